#include "common/temporary_file.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>

#include "common/error.h"

namespace w2v2 {

TemporaryFile create_temporary_beside(const std::string& target, mode_t mode) {
  const std::filesystem::path parent = std::filesystem::path(target).parent_path();
  const std::filesystem::path folder = parent.empty() ? std::filesystem::path(".") : parent;
  TemporaryFile file;
  file.path = (folder / ".w2v2-XXXXXX.tmp").string();
  file.fd = ::mkostemps(file.path.data(), 4, O_CLOEXEC);  // O_CREAT | O_EXCL
  W2V2_CHECK_AS(OutputError, file.fd >= 0, target, ": cannot create a temporary file in ", folder.string(), " (",
                std::strerror(errno), ")");
  ::fchmod(file.fd, mode);  // mkostemps creates mode 0600
  return file;
}

mode_t default_file_mode() {
  static const mode_t mask = [] {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);) {
      if (line.rfind("Umask:", 0) == 0) return static_cast<mode_t>(std::stoul(line.substr(6), nullptr, 8));
    }
    return static_cast<mode_t>(022);
  }();
  return 0666 & ~mask;
}

}  // namespace w2v2
