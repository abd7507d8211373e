#include "common/error.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/line_reader.h"

namespace w2v2 {

// The key functions: the classes' vtables and type_info live here, once, exported from libw2v2.
Error::~Error() = default;
ConfigError::~ConfigError() = default;
AudioReadError::~AudioReadError() = default;
ModelLoadError::~ModelLoadError() = default;
LanguageModelError::~LanguageModelError() = default;
DatasetError::~DatasetError() = default;
OutputError::~OutputError() = default;
ResultOutputError::~ResultOutputError() = default;

std::string error_summary(const std::string& message) {
  constexpr size_t kMaxBytes = 4096;  // room for a long path
  std::string line = message.substr(0, message.find('\n'));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  if (line.size() > kMaxBytes) {
    size_t cut = kMaxBytes;
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xc0) == 0x80) --cut;  // not inside a character
    line = line.substr(0, cut) + "...";
  }
  return line;
}

std::string read_text_file(const std::string& path) {
  std::string error;
  const RegularFile file = open_regular_file(path, &error);
  W2V2_CHECK_AS(ConfigError, file.fd >= 0, path, ": ", error);
  std::string text;
  if (file.size > kMaxTextFileBytes) {
    ::close(file.fd);
    throw ConfigError(path + ": " + std::to_string(file.size) + " bytes, more than the " +
                      std::to_string(kMaxTextFileBytes >> 20) + " MiB a config or vocabulary file may have");
  }
  text.resize(static_cast<size_t>(file.size));
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::read(file.fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = n < 0 ? std::strerror(errno) : "the file shrank while being read";
      ::close(file.fd);
      throw ConfigError(path + ": read failed (" + why + ")");
    }
    done += static_cast<size_t>(n);
  }
  ::close(file.fd);
  return text;
}

}  // namespace w2v2
