#include "checkpoint/zip_directory.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/error.h"

namespace w2v2 {
namespace {

constexpr uint32_t kEndSignature = 0x06054b50;
constexpr uint32_t kZip64EndSignature = 0x06064b50;
constexpr uint32_t kZip64LocatorSignature = 0x07064b50;
constexpr uint32_t kCentralSignature = 0x02014b50;
constexpr uint32_t kLocalSignature = 0x04034b50;
constexpr size_t kEndSize = 22, kZip64LocatorSize = 20, kZip64EndSize = 56, kCentralSize = 46, kLocalSize = 30;

uint64_t le(const unsigned char* p, size_t n) {
  uint64_t v = 0;
  for (size_t k = 0; k < n; ++k) v |= static_cast<uint64_t>(p[k]) << (8 * k);
  return v;
}

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

}  // namespace

ZipDirectory ZipDirectory::read(const ReadAt& read_at, uint64_t file_size, const std::string& source) {
  auto fail = [&](const std::string& what) -> ModelLoadError { return ModelLoadError(source + ": " + what); };
  auto read_bytes = [&](uint64_t offset, size_t n) {
    if (offset > file_size || n > file_size - offset) throw fail("zip structure runs past the end of the file");
    std::vector<unsigned char> buffer(n);
    if (n > 0) read_at(offset, buffer.data(), n);
    return buffer;
  };
  ZipDirectory zip;
  zip.file_size_ = file_size;
  if (file_size < kEndSize) throw fail("not a zip archive (too short)");

  // The end-of-central-directory record: the last signature within the final 64 KiB + 22 bytes.
  const uint64_t tail_size = std::min<uint64_t>(file_size, 65535 + kEndSize);
  const auto tail = read_bytes(file_size - tail_size, static_cast<size_t>(tail_size));
  size_t end_pos = tail.size() - kEndSize + 1;
  bool found = false;
  while (end_pos-- > 0) {
    if (le(&tail[end_pos], 4) == kEndSignature) {
      found = true;
      break;
    }
  }
  if (!found) throw fail("not a zip archive (no end of central directory)");
  const uint64_t end_offset = file_size - tail_size + end_pos;
  const unsigned char* end = &tail[end_pos];
  uint64_t entries = le(end + 10, 2);
  uint64_t directory_size = le(end + 12, 4);
  uint64_t directory_offset = le(end + 16, 4);
  if (le(end + 4, 2) != 0 || le(end + 6, 2) != 0) throw fail("multi-disk zip archives are not supported");

  if (end_offset >= kZip64LocatorSize) {  // zip64: the locator sits just before the end record
    const auto locator = read_bytes(end_offset - kZip64LocatorSize, kZip64LocatorSize);
    if (le(locator.data(), 4) == kZip64LocatorSignature) {
      const auto end64 = read_bytes(le(locator.data() + 8, 8), kZip64EndSize);
      if (le(end64.data(), 4) != kZip64EndSignature) throw fail("malformed zip64 end of central directory");
      entries = le(end64.data() + 32, 8);
      directory_size = le(end64.data() + 40, 8);
      directory_offset = le(end64.data() + 48, 8);
    }
  }
  if (directory_size > kMaxCentralDirectoryBytes) throw fail("zip central directory larger than 64 MiB");
  if (entries == 0) throw fail("empty zip archive");
  if (entries > directory_size / kCentralSize) throw fail("malformed zip central directory (entry count)");
  const auto directory = read_bytes(directory_offset, static_cast<size_t>(directory_size));

  size_t pos = 0;
  zip.entries_.reserve(static_cast<size_t>(entries));
  for (uint64_t i = 0; i < entries; ++i) {
    if (directory.size() - pos < kCentralSize || le(&directory[pos], 4) != kCentralSignature) {
      throw fail("malformed zip central directory");
    }
    const unsigned char* h = &directory[pos];
    ZipEntry e;
    e.method = static_cast<uint16_t>(le(h + 10, 2));
    e.compressed_size = le(h + 20, 4);
    e.uncompressed_size = le(h + 24, 4);
    const size_t name_len = le(h + 28, 2), extra_len = le(h + 30, 2), comment_len = le(h + 32, 2);
    e.local_header_offset = le(h + 42, 4);
    if (directory.size() - pos - kCentralSize < name_len + extra_len + comment_len) {
      throw fail("malformed zip central directory");
    }
    e.name.assign(reinterpret_cast<const char*>(h + kCentralSize), name_len);
    // Zip64 extra field: 64-bit values for the 32-bit fields that hold 0xFFFFFFFF, in this order.
    const unsigned char* extra = h + kCentralSize + name_len;
    for (size_t x = 0; x + 4 <= extra_len;) {
      const uint64_t id = le(extra + x, 2), len = le(extra + x + 2, 2);
      if (x + 4 + len > extra_len) throw fail("malformed zip extra field in '" + e.name.substr(0, 80) + "'");
      if (id == 1) {
        const unsigned char* f = extra + x + 4;
        size_t used = 0;
        for (uint64_t* field : {&e.uncompressed_size, &e.compressed_size, &e.local_header_offset}) {
          if (*field != 0xFFFFFFFFull) continue;
          if (used + 8 > len) throw fail("malformed zip64 extra field in '" + e.name.substr(0, 80) + "'");
          *field = le(f + used, 8);
          used += 8;
        }
      }
      x += 4 + len;
    }
    pos += kCentralSize + name_len + extra_len + comment_len;

    const std::string what = "zip member '" + e.name.substr(0, 80) + "'";
    if (e.method != 0 && e.method != 8) throw fail(what + " uses an unsupported compression method");
    if (e.method == 0 && e.uncompressed_size != e.compressed_size) throw fail(what + ": stored sizes disagree");
    if (e.method == 8 && e.uncompressed_size / kMaxDeflateRatio > e.compressed_size) {
      throw fail(what + " claims " + std::to_string(e.uncompressed_size) + " bytes from " +
                 std::to_string(e.compressed_size) + " compressed: more than deflate can expand");
    }
    const auto local = read_bytes(e.local_header_offset, kLocalSize);
    if (le(local.data(), 4) != kLocalSignature) throw fail(what + ": no local header at its offset");
    e.data_offset = e.local_header_offset + kLocalSize + le(local.data() + 26, 2) + le(local.data() + 28, 2);
    if (e.data_offset > file_size || e.compressed_size > file_size - e.data_offset) {
      throw fail(what + " runs past the end of the file");
    }
    if (!zip.by_name_.emplace(lower(e.name), zip.entries_.size()).second) {
      throw fail("zip member name '" + e.name.substr(0, 80) + "' appears twice");
    }
    zip.entries_.push_back(std::move(e));
  }
  return zip;
}

ZipDirectory ZipDirectory::read(const void* bytes, size_t size, const std::string& source) {
  const auto* data = static_cast<const unsigned char*>(bytes);
  return read([data](uint64_t offset, void* buffer, size_t n) { std::memcpy(buffer, data + offset, n); }, size,
              source);
}

ZipDirectory ZipDirectory::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  W2V2_CHECK_AS(ModelLoadError, fd >= 0, path, ": cannot open (", std::strerror(errno), ")");
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  W2V2_CHECK_AS(ModelLoadError, ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode), path, ": not a regular file");
  return read(
      [&](uint64_t offset, void* buffer, size_t n) {
        size_t done = 0;
        while (done < n) {
          const ssize_t got = ::pread(fd, static_cast<char*>(buffer) + done, n - done, static_cast<off_t>(offset + done));
          W2V2_CHECK_AS(ModelLoadError, got > 0, path, ": read failed");
          done += static_cast<size_t>(got);
        }
      },
      static_cast<uint64_t>(st.st_size), path);
}

const ZipEntry* ZipDirectory::find(const std::string& name) const {
  const auto it = by_name_.find(lower(name));
  return it == by_name_.end() ? nullptr : &entries_[it->second];
}

}  // namespace w2v2
