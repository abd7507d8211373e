#include "common/line_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.h"

namespace w2v2 {

RegularFile open_regular_file(const std::string& path, std::string* error) {
  RegularFile file;
  // O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    *error = std::string("cannot open (") + std::strerror(errno) + ")";
    return file;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    *error = S_ISDIR(st.st_mode)    ? "is a folder, not a file"
             : S_ISFIFO(st.st_mode) ? "is a FIFO (named pipe), not a regular file; refused"
                                    : "is a device or socket, not a regular file; refused";
    return file;
  }
  ::fcntl(fd, F_SETFL, O_RDONLY);
  file.fd = fd;
  file.size = static_cast<uint64_t>(st.st_size);
  return file;
}

LineReader::LineReader(const std::string& path) : path_(path) {
  std::string error;
  const RegularFile file = open_regular_file(path, &error);
  W2V2_CHECK_AS(DatasetError, file.fd >= 0, path, ": ", error);
  fd_ = file.fd;
  if (file.size > kMaxFileBytes) {
    ::close(fd_);
    fd_ = -1;
    throw DatasetError(path + ": " + std::to_string(file.size) + " bytes, more than the " +
                       std::to_string(kMaxFileBytes >> 30) + " GiB a listing may have");
  }
  block_.resize(1 << 16);
}

LineReader::~LineReader() {
  if (fd_ >= 0) ::close(fd_);
}

bool LineReader::fill() {  // appends more of the file after block_[begin_, end_)
  if (eof_) return false;
  if (begin_ > 0) {
    std::memmove(block_.data(), block_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == block_.size()) {
    W2V2_CHECK_AS(DatasetError, block_.size() < kMaxLineBytes, path_, ":", line_number_ + 1, ": a line longer than ",
                  kMaxLineBytes >> 20, " MiB; refused");
    block_.resize(block_.size() * 2);
  }
  for (;;) {
    const ssize_t n = ::read(fd_, block_.data() + end_, block_.size() - end_);
    if (n < 0 && errno == EINTR) continue;
    W2V2_CHECK_AS(DatasetError, n >= 0, path_, ": read error (", std::strerror(errno), ")");
    if (n == 0) eof_ = true;
    end_ += static_cast<size_t>(n);
    return n > 0;
  }
}

bool LineReader::next(std::string& line) {
  size_t scanned = begin_;
  for (;;) {
    const void* newline = std::memchr(block_.data() + scanned, '\n', end_ - scanned);
    if (newline != nullptr) {
      const size_t at = static_cast<size_t>(static_cast<const char*>(newline) - block_.data());
      line.assign(block_.data() + begin_, at - begin_);
      begin_ = at + 1;
      break;
    }
    scanned = end_ - begin_;  // relative: fill() moves the unread bytes to the front
    if (!fill()) {
      if (begin_ == end_) return false;
      line.assign(block_.data() + begin_, end_ - begin_);
      begin_ = end_;
      break;
    }
  }
  ++line_number_;
  W2V2_CHECK_AS(DatasetError, line.find('\0') == std::string::npos, path_, ":", line_number_,
                ": holds a NUL byte; refused");
  return true;
}

}  // namespace w2v2
