#pragma once

#include "output/output_stream.h"
#include "output/transcript_writer.h"

namespace w2v2 {

// `id<TAB>text` per successful utterance (ids may contain spaces). Failures are not written here:
// they are logged and counted in the run summary.
class PlainTextWriter : public TranscriptWriter {
 public:
  explicit PlainTextWriter(const std::string& path) : out_(path) {}
  void write(const UtteranceResult& result) override;
  void finish() override { out_.commit(); }

 private:
  OutputStream out_;
};

}  // namespace w2v2
