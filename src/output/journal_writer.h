#pragma once

#include <string>
#include <vector>

#include "output/transcript_writer.h"

namespace w2v2 {

// The run's journal: a header line, then every finished utterance appended as one JSONL record
// (JsonlWriter::record) and fsync'ed before the next, so a run killed at any point (even kill -9) leaves
// complete records, at most followed by one torn line that recovery drops. `--resume` reads it back and
// skips what is done.
class JournalWriter : public TranscriptWriter {
 public:
  // The first line of every journal; a file that does not start with it is not ours and is never touched.
  static constexpr const char* kHeader = R"({"format":"w2v2-journal","version":1})";

  // Opens the journal at `path` for this run, creating it (with the header) when missing or empty. It is
  // never opened through a symbolic link, must be a regular file, and stays locked (flock, exclusive) while
  // this object lives, so a second run on the same journal fails at once. An existing journal is continued
  // only with `resume`; its complete records are then recovered() and a torn or damaged tail (from the first
  // line that is not a complete record) is cut off, so appends follow the last good record.
  // Throws ConfigError (exists without resume, not a journal, locked by another run, a link, not a regular
  // file) or OutputError (cannot be read, written or cut).
  JournalWriter(const std::string& path, bool resume);
  ~JournalWriter() override;
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  const std::vector<UtteranceResult>& recovered() const { return recovered_; }
  void write(const UtteranceResult& result) override;  // throws OutputError
  void finish() override {}                             // every write is already durable
  // The run is complete: deletes the journal (still holding the lock) and closes it.
  void remove();

 private:
  void recover();
  void write_bytes(const std::string& bytes);

  std::string path_;
  int fd_ = -1;
  std::vector<UtteranceResult> recovered_;
};

}  // namespace w2v2
