#pragma once

#include <string>
#include <vector>

#include "output/transcript_writer.h"

namespace w2v2 {

// The run's journal: every finished utterance is appended as one JSONL record (JsonlWriter::record) and
// fsync'ed before the next, so a run killed at any point (even kill -9) leaves complete records, at most
// followed by one torn line that recovery drops. `--resume` reads it back and skips what is done.
class JournalWriter : public TranscriptWriter {
 public:
  explicit JournalWriter(const std::string& path);  // appends (creates the file when missing)
  ~JournalWriter() override;
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  void write(const UtteranceResult& result) override;  // throws OutputError
  void finish() override;

  // The complete records of an earlier run's journal, in file order; a torn last line (no newline, or not
  // JSON) is cut off the file so that appending continues after the last complete record. A missing file
  // gives no records. Throws OutputError when the file cannot be read or truncated.
  static std::vector<UtteranceResult> recover(const std::string& path);

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace w2v2
