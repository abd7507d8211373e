#pragma once

#include <optional>
#include <string>

#include "output/output_stream.h"
#include "output/transcript_writer.h"

namespace w2v2 {

// One JSON object per line: id, path, status ("ok" | "error"), text, duration (s), words ([{word, start,
// end, confidence}], seconds rounded to the millisecond); failures carry stage and error. Strings are
// escaped by nlohmann::json (UTF-8; invalid bytes replaced by U+FFFD). An id, path or text that is not
// valid UTF-8 (a Latin-1 file name) is also written exactly as "id_bytes" / "path_bytes" / "text_bytes",
// percent-encoded (percent_encode_bytes), right after its field; parse() prefers those, so `--resume`
// and `merge` match such inputs.
class JsonlWriter : public TranscriptWriter {
 public:
  explicit JsonlWriter(const std::string& path) : out_(path) {}
  void write(const UtteranceResult& result) override;
  void finish() override { out_.commit(); }

  static std::string record(const UtteranceResult& result);  // one line, without the newline
  // A record back into a result (index and output stem are not stored); std::nullopt when `line` is not a
  // complete record (not JSON, nested too deep, a field missing or of the wrong type), with the reason in *why.
  static std::optional<UtteranceResult> parse(const std::string& line, std::string* why = nullptr);

 private:
  OutputStream out_;
};

}  // namespace w2v2
