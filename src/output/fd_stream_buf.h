#pragma once

#include <streambuf>
#include <string>
#include <vector>

namespace w2v2 {

// A std::streambuf that writes to an open file descriptor it owns (closed by close() or the destructor),
// so files opened with flags std::ofstream cannot express (O_EXCL, O_NOFOLLOW, devices) get a std::ostream.
// A failed write(2) makes the stream bad; error() then says why.
class FdStreamBuf : public std::streambuf {
 public:
  explicit FdStreamBuf(int fd);
  ~FdStreamBuf() override;
  FdStreamBuf(const FdStreamBuf&) = delete;
  FdStreamBuf& operator=(const FdStreamBuf&) = delete;

  // Flushes and closes; false (with error()) when a write, fsync or close failed. `sync_to_disk` fsyncs
  // first (regular files that are renamed into place).
  bool close(bool sync_to_disk);
  const std::string& error() const { return error_; }

 protected:
  int_type overflow(int_type c) override;
  int sync() override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;

 private:
  bool flush_buffer();
  bool write_all(const char* data, size_t size);

  int fd_;
  std::vector<char> buffer_;
  std::string error_;
};

}  // namespace w2v2
