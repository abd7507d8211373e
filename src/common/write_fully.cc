#include "common/write_fully.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace w2v2 {

bool write_fully(int fd, const char* data, size_t size, std::string& error) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = n < 0 ? std::strerror(errno) : "short write";
      return false;
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace w2v2
