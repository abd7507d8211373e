#include "lm/gzip_text.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>

#include "common/error.h"

namespace w2v2 {

bool is_gzip(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

std::string gunzip(std::string_view bytes, const std::string& name) {
  z_stream stream{};
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) throw LanguageModelError(name + ": cannot start gzip decompression");
  std::string out;
  out.resize(std::max<size_t>(bytes.size() * 4, 1 << 16));
  size_t used = 0;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  size_t remaining = bytes.size();
  std::string error;
  for (;;) {
    if (used == out.size()) out.resize(out.size() * 2);
    const uInt in_chunk = static_cast<uInt>(std::min<size_t>(remaining, 1u << 30));
    const uInt out_chunk = static_cast<uInt>(std::min<size_t>(out.size() - used, 1u << 30));
    stream.avail_in = in_chunk;
    stream.next_out = reinterpret_cast<Bytef*>(out.data() + used);
    stream.avail_out = out_chunk;
    const int rc = inflate(&stream, Z_NO_FLUSH);
    remaining -= in_chunk - stream.avail_in;
    used += out_chunk - stream.avail_out;
    if (rc == Z_STREAM_END) {
      // Another member follows (concatenated .gz files), or trailing bytes that are not gzip: ignored.
      if (remaining >= 2 && is_gzip(std::string_view(reinterpret_cast<const char*>(stream.next_in), remaining))) {
        inflateReset(&stream);
        continue;
      }
      break;
    }
    if (rc == Z_OK) continue;
    if (rc == Z_BUF_ERROR && remaining == 0) {
      error = "truncated gzip data (the stream ends early)";
    } else if (rc == Z_BUF_ERROR) {
      continue;  // output full: grown above
    } else {
      error = std::string("corrupt gzip data (") + (stream.msg != nullptr ? stream.msg : "zlib error " + std::to_string(rc)) + ")";
    }
    break;
  }
  inflateEnd(&stream);
  if (!error.empty()) throw LanguageModelError(name + ": " + error);
  out.resize(used);
  return out;
}

std::string read_maybe_gzipped_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw LanguageModelError(path + ": cannot open (" + std::strerror(errno) + ")");
  std::string bytes;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) bytes.reserve(static_cast<size_t>(st.st_size));
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string reason = std::strerror(errno);
      ::close(fd);
      throw LanguageModelError(path + ": cannot read (" + reason + ")");
    }
    if (n == 0) break;
    bytes.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return is_gzip(bytes) ? gunzip(bytes, path) : bytes;
}

}  // namespace w2v2
