#include "output/plain_text_writer.h"

#include "common/field_encoding.h"

namespace w2v2 {

void PlainTextWriter::write(const UtteranceResult& result) {
  if (result.status != UtteranceStatus::kOk) return;
  out_.stream() << line(result) << '\n';
}

std::string PlainTextWriter::line(const UtteranceResult& result) {
  return escape_line_field(result.id) + '\t' + escape_line_field(result.text);
}

std::optional<UtteranceResult> PlainTextWriter::parse(const std::string& line) {
  const size_t tab = line.find('\t');  // escaped fields hold no TAB: the first one is the separator
  if (tab == std::string::npos) return std::nullopt;
  UtteranceResult result;
  result.id = unescape_line_field(line.substr(0, tab));
  result.text = unescape_line_field(line.substr(tab + 1));
  return result;
}

}  // namespace w2v2
