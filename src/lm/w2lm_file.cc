#include "lm/w2lm_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "common/error.h"
#include "common/temporary_file.h"
#include "common/write_fully.h"

namespace w2v2 {
namespace {

enum W2lmSection { kInner1 = 0, kLeaf = kMaxLmOrder, kWordOffsets, kWordChars, kHashSlots, kSectionCount };

struct SectionRange {
  uint64_t offset;
  uint64_t size;
};

struct W2lmHeader {
  char magic[8];
  uint32_t version;
  uint32_t byte_order;
  uint32_t order;
  uint32_t flags;
  uint32_t bos;
  uint32_t eos;
  uint64_t counts[kMaxLmOrder];
  uint64_t file_size;
  SectionRange sections[kSectionCount];
  uint64_t reserved;
};
static_assert(sizeof(W2lmHeader) == kW2lmHeaderSize);

constexpr uint32_t kByteOrderMark = 0x01020304u;

uint64_t align8(uint64_t n) { return (n + 7) & ~uint64_t{7}; }

// The sections' bytes (pointer and size) of `tables`.
void section_bytes(const LmTables& t, const char* (&data)[kSectionCount], uint64_t (&size)[kSectionCount]) {
  for (int s = 0; s < kSectionCount; ++s) {
    data[s] = nullptr;
    size[s] = 0;
  }
  for (int n = 1; n <= t.inner_orders(); ++n) {
    data[kInner1 + n - 1] = reinterpret_cast<const char*>(t.inner[n - 1]);
    size[kInner1 + n - 1] = (t.counts[n - 1] + 1) * sizeof(LmInnerEntry);
  }
  if (t.order >= 2) {
    data[kLeaf] = reinterpret_cast<const char*>(t.leaf);
    size[kLeaf] = t.counts[t.order - 1] * sizeof(LmLeafEntry);
  }
  data[kWordOffsets] = reinterpret_cast<const char*>(t.word_offsets);
  size[kWordOffsets] = (t.counts[0] + 1) * sizeof(uint32_t);
  data[kWordChars] = t.word_chars;
  size[kWordChars] = t.word_chars_size;
  data[kHashSlots] = reinterpret_cast<const char*>(t.hash_slots);
  size[kHashSlots] = t.hash_size * sizeof(uint32_t);
}

struct Mapping {
  void* address = nullptr;
  size_t size = 0;
  ~Mapping() {
    if (address != nullptr) ::munmap(address, size);
  }
};

}  // namespace

bool has_w2lm_magic(std::string_view bytes) {
  return bytes.size() >= sizeof kW2lmMagic && std::memcmp(bytes.data(), kW2lmMagic, sizeof kW2lmMagic) == 0;
}

void write_w2lm_file(const LmTables& tables, const std::string& path) {
  const char* data[kSectionCount];
  uint64_t size[kSectionCount];
  section_bytes(tables, data, size);
  W2lmHeader header{};
  std::memcpy(header.magic, kW2lmMagic, sizeof kW2lmMagic);
  header.version = kW2lmVersion;
  header.byte_order = kByteOrderMark;
  header.order = static_cast<uint32_t>(tables.order);
  header.flags = tables.unknown_from_arpa ? 1u : 0u;
  header.bos = tables.bos;
  header.eos = tables.eos;
  for (int n = 0; n < kMaxLmOrder; ++n) header.counts[n] = tables.counts[n];
  uint64_t offset = kW2lmHeaderSize;
  for (int s = 0; s < kSectionCount; ++s) {
    header.sections[s] = {size[s] ? offset : 0, size[s]};
    offset = align8(offset + size[s]);
  }
  header.file_size = offset;

  TemporaryFile file = create_temporary_beside(path, default_file_mode());
  std::string error;
  bool ok = write_fully(file.fd, reinterpret_cast<const char*>(&header), sizeof header, error);
  static const char kZeros[8] = {};
  for (int s = 0; ok && s < kSectionCount; ++s) {
    if (size[s] == 0) continue;
    ok = write_fully(file.fd, data[s], size[s], error) && write_fully(file.fd, kZeros, align8(size[s]) - size[s], error);
  }
  if (ok && ::fsync(file.fd) != 0) {
    ok = false;
    error = std::strerror(errno);
  }
  if (::close(file.fd) != 0 && ok) {
    ok = false;
    error = std::strerror(errno);
  }
  if (ok && ::rename(file.path.c_str(), path.c_str()) != 0) {
    ok = false;
    error = std::string("cannot rename into place: ") + std::strerror(errno);
  }
  if (!ok) {
    ::unlink(file.path.c_str());
    throw OutputError(path + ": cannot write the language model (" + error + ")");
  }
}

LmTables w2lm_tables(const char* data, size_t size, const std::string& name) {
  auto refuse = [&](const std::string& why) { return LanguageModelError(name + ": not a usable .w2lm file: " + why); };
  if (size < kW2lmHeaderSize) {
    throw refuse("truncated (" + std::to_string(size) + " bytes; the header alone is " + std::to_string(kW2lmHeaderSize) + ")");
  }
  W2lmHeader h;
  std::memcpy(&h, data, sizeof h);
  if (std::memcmp(h.magic, kW2lmMagic, sizeof kW2lmMagic) != 0) throw refuse("bad magic");
  if (h.byte_order != kByteOrderMark) throw refuse("written with another byte order");
  if (h.version != kW2lmVersion) {
    throw refuse("format version " + std::to_string(h.version) + "; this build reads version " + std::to_string(kW2lmVersion) +
                 " (compile the ARPA file again with w2v2 lm-compile)");
  }
  if (h.file_size != size) {
    throw refuse("the header says " + std::to_string(h.file_size) + " bytes, the file has " + std::to_string(size) + " (truncated?)");
  }
  if (h.order < 1 || h.order > kMaxLmOrder) throw refuse("order " + std::to_string(h.order) + " is not in 1..6");
  LmTables t;
  t.order = static_cast<int>(h.order);
  for (int n = 0; n < kMaxLmOrder; ++n) {
    if (h.counts[n] >= kLmNoWord) throw refuse("the " + std::to_string(n + 1) + "-gram count is out of range");
    t.counts[n] = h.counts[n];
  }
  if (t.counts[0] < 1) throw refuse("no words");
  for (int n = t.order; n < kMaxLmOrder; ++n) {
    if (t.counts[n] != 0) throw refuse(std::to_string(n + 1) + "-grams in an order-" + std::to_string(t.order) + " model");
  }
  // Expected sizes (the word strings' size is the header's; the hash table's a multiple of 4).
  uint64_t expected[kSectionCount] = {};
  for (int n = 1; n <= t.inner_orders(); ++n) expected[kInner1 + n - 1] = (t.counts[n - 1] + 1) * sizeof(LmInnerEntry);
  if (t.order >= 2) expected[kLeaf] = t.counts[t.order - 1] * sizeof(LmLeafEntry);
  expected[kWordOffsets] = (t.counts[0] + 1) * sizeof(uint32_t);
  expected[kWordChars] = h.sections[kWordChars].size;
  expected[kHashSlots] = h.sections[kHashSlots].size;
  if (h.sections[kHashSlots].size % sizeof(uint32_t) != 0) throw refuse("hash table size is not a multiple of 4");
  const char* base[kSectionCount] = {};
  for (int s = 0; s < kSectionCount; ++s) {
    const SectionRange& r = h.sections[s];
    if (r.size != expected[s]) {
      throw refuse("section " + std::to_string(s) + " has " + std::to_string(r.size) + " bytes, its counts need " + std::to_string(expected[s]));
    }
    if (r.size == 0) continue;
    if (r.offset % 8 != 0 || r.offset < kW2lmHeaderSize || r.offset > size || r.size > size - r.offset) {
      throw refuse("section " + std::to_string(s) + " (offset " + std::to_string(r.offset) + ", " + std::to_string(r.size) +
                   " bytes) lies outside the file of " + std::to_string(size) + " bytes");
    }
    base[s] = data + r.offset;
  }
  for (int n = 1; n <= t.inner_orders(); ++n) t.inner[n - 1] = reinterpret_cast<const LmInnerEntry*>(base[kInner1 + n - 1]);
  if (t.order >= 2) t.leaf = reinterpret_cast<const LmLeafEntry*>(base[kLeaf]);
  t.word_offsets = reinterpret_cast<const uint32_t*>(base[kWordOffsets]);
  t.word_chars = base[kWordChars] != nullptr ? base[kWordChars] : data + kW2lmHeaderSize;
  t.word_chars_size = h.sections[kWordChars].size;
  t.hash_slots = reinterpret_cast<const uint32_t*>(base[kHashSlots]);
  t.hash_size = h.sections[kHashSlots].size / sizeof(uint32_t);
  if (t.hash_slots == nullptr) throw refuse("no hash table");
  t.bos = h.bos;
  t.eos = h.eos;
  t.unknown_from_arpa = (h.flags & 1u) != 0;
  const std::string problem = t.check();
  if (!problem.empty()) throw refuse(problem);
  return t;
}

std::unique_ptr<NgramLanguageModel> map_w2lm_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw LanguageModelError(path + ": cannot open (" + std::strerror(errno) + ")");
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw LanguageModelError(path + ": not a regular file");
  }
  auto mapping = std::make_shared<Mapping>();
  mapping->size = static_cast<size_t>(st.st_size);
  if (mapping->size > 0) {
    void* address = ::mmap(nullptr, mapping->size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (address == MAP_FAILED) {
      const std::string reason = std::strerror(errno);
      ::close(fd);
      throw LanguageModelError(path + ": cannot map (" + reason + ")");
    }
    mapping->address = address;
  }
  ::close(fd);
  const LmTables tables = w2lm_tables(static_cast<const char*>(mapping->address), mapping->size, path);
  return std::make_unique<NgramLanguageModel>(tables, std::move(mapping), path);
}

}  // namespace w2v2
