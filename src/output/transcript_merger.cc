#include "output/transcript_merger.h"

#include <fstream>
#include <map>

#include "common/error.h"
#include "output/jsonl_writer.h"

namespace w2v2 {

MergeReport merge_transcripts(const std::vector<Utterance>& inputs, const std::vector<std::string>& parts,
                              OutputFormat format, TranscriptWriter& writer) {
  W2V2_CHECK_AS(ConfigError, format == OutputFormat::kTxt || format == OutputFormat::kJsonl,
                "merge reads txt or jsonl outputs, not ", to_string(format));
  MergeReport report;
  std::map<std::string, UtteranceResult> found;
  for (const std::string& part : parts) {
    std::ifstream in(part, std::ios::binary);
    W2V2_CHECK_AS(OutputError, in.good(), part, ": cannot read");
    size_t line_number = 0;
    for (std::string line; std::getline(in, line);) {
      ++line_number;
      if (line.empty()) continue;
      UtteranceResult result;
      if (format == OutputFormat::kJsonl) {
        auto parsed = JsonlWriter::parse(line);
        W2V2_CHECK_AS(OutputError, parsed.has_value(), part, ":", line_number, ": not a w2v2 JSONL record");
        result = std::move(*parsed);
      } else {
        const auto tab = line.find('\t');
        W2V2_CHECK_AS(OutputError, tab != std::string::npos, part, ":", line_number, ": expected 'id<TAB>text'");
        result.id = line.substr(0, tab);
        result.text = line.substr(tab + 1);
      }
      const std::string id = result.id;
      if (!found.emplace(id, std::move(result)).second) report.duplicates.push_back(id);
    }
  }
  std::vector<const Utterance*> ordered;
  for (const Utterance& u : inputs) {
    if (found.count(u.id) == 0) report.missing.push_back(u.id);
  }
  std::map<std::string, bool> is_input;
  for (const Utterance& u : inputs) is_input[u.id] = true;
  for (const auto& [id, _] : found) {
    if (!is_input.count(id)) report.unknown.push_back(id);
  }
  if (!report.complete()) return report;
  for (const Utterance& u : inputs) {
    UtteranceResult& result = found.at(u.id);
    result.index = u.index;
    result.output_stem = u.output_stem;
    if (result.path.empty()) result.path = u.path;
    writer.write(result);
    ++report.written;
  }
  writer.finish();
  return report;
}

}  // namespace w2v2
