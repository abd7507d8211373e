#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace w2v2 {

// The lines of a text listing (LibriSpeech transcripts, Kaldi tables, manifests, score and merge inputs),
// read in blocks. Only a regular file is read: a FIFO is refused without blocking, a device (/dev/zero), a
// folder or a socket is refused, each with a DatasetError naming the file. A line longer than
// kMaxLineBytes or a file larger than kMaxFileBytes is refused too (memory stays bounded), and so is a line
// holding a NUL byte (it would cut ids and paths short).
class LineReader {
 public:
  static constexpr uint64_t kMaxLineBytes = uint64_t{64} << 20;
  static constexpr uint64_t kMaxFileBytes = uint64_t{4} << 30;

  explicit LineReader(const std::string& path);  // throws DatasetError
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // The next line without its "\n" (a final line without one counts); false at the end. Throws DatasetError.
  bool next(std::string& line);
  int line_number() const { return line_number_; }  // of the line next() returned, from 1
  const std::string& path() const { return path_; }

 private:
  bool fill();

  std::string path_;
  int fd_ = -1;
  std::vector<char> block_;
  size_t begin_ = 0, end_ = 0;  // unread bytes: block_[begin_, end_)
  bool eof_ = false;
  int line_number_ = 0;
};

// Opens `path` read-only if it is a regular file (never blocking on a FIFO): the descriptor (O_CLOEXEC, the
// caller closes it) and its size; fd -1 and the reason in *error otherwise. Used by LineReader and
// read_text_file.
struct RegularFile {
  int fd = -1;
  uint64_t size = 0;
};
RegularFile open_regular_file(const std::string& path, std::string* error);

}  // namespace w2v2
