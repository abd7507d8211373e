#include "audio/sndfile_open.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

namespace w2v2 {

SNDFILE* open_sndfile(int fd, int mode, SF_INFO* info, std::string& error) {
  const int duplicate = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (duplicate < 0) {
    error = std::string("cannot duplicate the descriptor: ") + std::strerror(errno);
    return nullptr;
  }
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  // close_desc: libsndfile closes the duplicate on sf_close, and on a failed open (never twice; only an
  // allocation failure inside libsndfile may leave it open: a leaked descriptor, not a double close).
  SNDFILE* file = sf_open_fd(duplicate, mode, info, SF_TRUE);
  if (file == nullptr) error = sf_strerror(nullptr);
  return file;
}

}  // namespace w2v2
