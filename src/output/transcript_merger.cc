#include "output/transcript_merger.h"

#include <deque>
#include <map>
#include <utility>

#include "common/error.h"
#include "common/line_reader.h"
#include "output/jsonl_writer.h"
#include "output/plain_text_writer.h"

namespace w2v2 {

MergeReport merge_transcripts(const std::vector<Utterance>& inputs, const std::vector<std::string>& parts,
                              OutputFormat format, TranscriptWriter& writer) {
  W2V2_CHECK_AS(ConfigError, format == OutputFormat::kTxt || format == OutputFormat::kJsonl,
                "merge reads txt or jsonl outputs, not ", to_string(format));
  MergeReport report;
  std::map<std::string, std::deque<UtteranceResult>> found;  // by id, in the parts' order
  for (const std::string& part : parts) {
    LineReader in(part);  // a regular file only: never a FIFO or /dev/zero
    for (std::string line; in.next(line);) {
      const int line_number = in.line_number();
      if (line.empty()) continue;
      UtteranceResult result;
      if (format == OutputFormat::kJsonl) {
        std::string why;
        auto parsed = JsonlWriter::parse(line, &why);
        W2V2_CHECK_AS(DatasetError, parsed.has_value(), part, ":", line_number, ": not a w2v2 JSONL record (", why, ")");
        result = std::move(*parsed);
      } else {
        auto parsed = PlainTextWriter::parse(line);
        W2V2_CHECK_AS(DatasetError, parsed.has_value(), part, ":", line_number, ": expected 'id<TAB>text'");
        result = std::move(*parsed);
      }
      const std::string id = result.id;
      found[id].push_back(std::move(result));
    }
  }
  // Each input takes the next record with its id (a file given twice has two).
  std::vector<std::pair<const Utterance*, UtteranceResult>> merged;
  std::map<std::string, bool> is_input;
  for (const Utterance& u : inputs) {
    is_input[u.id] = true;
    auto it = found.find(u.id);
    if (it == found.end() || it->second.empty()) {
      report.missing.push_back(u.id);
      continue;
    }
    merged.emplace_back(&u, std::move(it->second.front()));
    it->second.pop_front();
  }
  for (const auto& [id, left] : found) {
    if (left.empty()) continue;
    (is_input.count(id) ? report.duplicates : report.unknown).push_back(id);
  }
  // txt outputs leave failed inputs out, so there an input in no part may be a failure: the rest is still
  // written (and the missing ids reported). A jsonl part has a record for every input it ran.
  const bool missing_allowed = format == OutputFormat::kTxt;
  if (!report.duplicates.empty() || !report.unknown.empty() || (!report.missing.empty() && !missing_allowed)) {
    return report;
  }
  for (auto& [u, result] : merged) {
    result.index = u->index;
    result.output_stem = u->output_stem;
    if (result.path.empty()) result.path = u->path;
    writer.write(result);
    ++report.written;
  }
  writer.finish();
  return report;
}

}  // namespace w2v2
