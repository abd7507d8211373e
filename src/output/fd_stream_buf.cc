#include "output/fd_stream_buf.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/write_fully.h"

namespace w2v2 {

FdStreamBuf::FdStreamBuf(int fd) : fd_(fd), buffer_(1 << 16) { setp(buffer_.data(), buffer_.data() + buffer_.size()); }

FdStreamBuf::~FdStreamBuf() {
  if (fd_ >= 0) ::close(fd_);
}

bool FdStreamBuf::write_all(const char* data, size_t size) {
  if (!error_.empty()) return false;
  return write_fully(fd_, data, size, error_);
}

bool FdStreamBuf::flush_buffer() {
  const bool ok = write_all(pbase(), static_cast<size_t>(pptr() - pbase()));
  setp(buffer_.data(), buffer_.data() + buffer_.size());
  return ok;
}

FdStreamBuf::int_type FdStreamBuf::overflow(int_type c) {
  if (!flush_buffer()) return traits_type::eof();
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  *pptr() = traits_type::to_char_type(c);
  pbump(1);
  return c;
}

std::streamsize FdStreamBuf::xsputn(const char* s, std::streamsize n) {
  if (n <= 0) return 0;  // an empty write may pass a null pointer
  if (n <= epptr() - pptr()) {
    std::memcpy(pptr(), s, static_cast<size_t>(n));
    pbump(static_cast<int>(n));
    return n;
  }
  if (!flush_buffer() || !write_all(s, static_cast<size_t>(n))) return 0;
  return n;
}

int FdStreamBuf::sync() { return flush_buffer() ? 0 : -1; }

bool FdStreamBuf::close(bool sync_to_disk) {
  if (fd_ < 0) return error_.empty();
  bool ok = flush_buffer();
  if (ok && sync_to_disk && ::fsync(fd_) != 0) {
    error_ = std::string("fsync: ") + std::strerror(errno);
    ok = false;
  }
  if (::close(fd_) != 0 && ok) {
    error_ = std::string("close: ") + std::strerror(errno);
    ok = false;
  }
  fd_ = -1;
  return ok;
}

}  // namespace w2v2
