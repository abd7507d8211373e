#pragma once

#include <string>
#include <vector>

#include "output/transcript_writer.h"

namespace w2v2 {

// One file per input and format, mirroring the inputs under `dir`: <dir>/<output_stem>.<ext> with ext
// txt (the transcript), json (the JSONL record), csv (header + row), srt or vtt (cues from the word
// timings). Each file is written under a temporary name and renamed, so a file that exists is complete.
// Failed inputs get no files (their failure is in the run summary and the log). A file that cannot be
// written throws ResultOutputError: that input fails at stage "output", the others are still written.
class OutputDirectoryWriter : public TranscriptWriter {
 public:
  OutputDirectoryWriter(std::string dir, std::vector<OutputFormat> formats);
  void write(const UtteranceResult& result) override;
  void finish() override {}

 private:
  void write_files(const UtteranceResult& result) const;

  std::string dir_;
  std::vector<OutputFormat> formats_;
};

}  // namespace w2v2
