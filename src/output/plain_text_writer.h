#pragma once

#include <optional>
#include <string>

#include "output/output_stream.h"
#include "output/transcript_writer.h"

namespace w2v2 {

// `id<TAB>text` per successful utterance (ids may contain spaces). Both fields are escape_line_field'ed
// (backslash, TAB, LF and CR as \\, \t, \n, \r), so every result is one line that `merge` and `score`
// read back exactly; other bytes, non-UTF-8 ones too, are written as they are. Failures are not written
// here: they are logged and counted in the run summary.
class PlainTextWriter : public TranscriptWriter {
 public:
  explicit PlainTextWriter(const std::string& path) : out_(path) {}
  void write(const UtteranceResult& result) override;
  void finish() override { out_.commit(); }

  static std::string line(const UtteranceResult& result);  // without the newline
  // A line back into a result (id and text only); std::nullopt when it has no TAB.
  static std::optional<UtteranceResult> parse(const std::string& line);

 private:
  OutputStream out_;
};

}  // namespace w2v2
