#include "metrics/transcript_file.h"

#include <utility>
#include <vector>

#include "common/error.h"
#include "common/field_encoding.h"
#include "common/line_reader.h"

namespace w2v2 {
namespace {

// "<TEXT> (<id>)": ends in ")" and holds a "(" whose id has no blanks.
bool looks_like_trn(const std::string& line) {
  const size_t open = line.rfind('(');
  return line.back() == ')' && open != std::string::npos &&
         line.find_first_of(" \t", open) == std::string::npos && open + 2 < line.size() &&
         (open == 0 || line[open - 1] == ' ' || line[open - 1] == '\t');
}

}  // namespace

std::map<std::string, std::string> read_transcript_file(const std::string& path) {
  LineReader in(path);  // a regular file only: never a FIFO or /dev/zero
  std::vector<std::pair<int, std::string>> lines;  // (line number, line without trailing blanks)
  std::string line;
  while (in.next(line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
    if (line.find_first_not_of(" \t") != std::string::npos) lines.emplace_back(in.line_number(), line);
  }

  // One format per file: trn only when every line is a trn line, so a Kaldi line that happens to end in
  // "(LAUGHTER)" stays Kaldi.
  bool trn = !lines.empty();
  for (const auto& numbered : lines) trn = trn && looks_like_trn(numbered.second);

  std::map<std::string, std::string> out;
  for (const auto& [number, text_line] : lines) {
    std::string id, text;
    if (trn) {
      const size_t open = text_line.rfind('(');
      id = unescape_line_field(text_line.substr(open + 1, text_line.size() - open - 2));  // as write_trn escapes
      text = text_line.substr(0, open);
    } else {
      // "id<TAB>text" (what `transcribe` writes, escaped; ids may hold spaces) or "id text" (Kaldi, as is).
      const size_t tab = text_line.find('\t');
      const size_t split = tab != std::string::npos ? tab : text_line.find(' ');
      id = text_line.substr(0, split);
      text = split == std::string::npos ? "" : text_line.substr(split + 1);
      if (tab != std::string::npos) {
        id = unescape_line_field(id);
        text = unescape_line_field(text);
      }
    }
    W2V2_CHECK_AS(DatasetError, !id.empty(), path, ":", number, ": no utterance id");
    W2V2_CHECK_AS(DatasetError, out.emplace(id, text).second, path, ":", number, ": duplicate id '", id, "'");
  }
  return out;
}

}  // namespace w2v2
