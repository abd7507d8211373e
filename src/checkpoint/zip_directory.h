#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

namespace w2v2 {

// One member of a zip archive, as its central directory (and local header) describe it.
struct ZipEntry {
  std::string name;
  uint16_t method = 0;  // 0 stored, 8 deflated
  uint64_t compressed_size = 0;
  uint64_t uncompressed_size = 0;
  uint64_t local_header_offset = 0;
  uint64_t data_offset = 0;  // where the (compressed) bytes start
};

// The central directory of a zip archive (zip64 included), read and checked before any member is
// extracted, so a reader can bound what extracting a member costs: every member's data lies inside the
// file, a stored member's size equals its compressed size, a deflated one expands at most
// kMaxDeflateRatio times, names are unique ignoring ASCII case (as miniz, LibTorch's zip reader, looks
// them up). Torch-free; throws ModelLoadError naming `source`.
class ZipDirectory {
 public:
  static constexpr uint64_t kMaxDeflateRatio = 1032;            // deflate's own ceiling
  static constexpr uint64_t kMaxCentralDirectoryBytes = 64ull << 20;

  // Reads `n` bytes at `offset` into `buffer`; throws (any exception) when it cannot.
  using ReadAt = std::function<void(uint64_t offset, void* buffer, size_t n)>;
  static ZipDirectory read(const ReadAt& read_at, uint64_t file_size, const std::string& source);
  static ZipDirectory read(const void* bytes, size_t size, const std::string& source);  // an in-memory archive
  static ZipDirectory open(const std::string& path);

  const std::vector<ZipEntry>& entries() const { return entries_; }
  // The entry named `name` (compared ignoring ASCII case), or nullptr.
  const ZipEntry* find(const std::string& name) const;
  uint64_t file_size() const { return file_size_; }

 private:
  std::vector<ZipEntry> entries_;
  std::unordered_map<std::string, size_t> by_name_;  // lower-cased name -> index
  uint64_t file_size_ = 0;
};

}  // namespace w2v2
