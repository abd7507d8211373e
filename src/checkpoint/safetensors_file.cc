#include "checkpoint/safetensors_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <limits>

#include "common/error.h"
#include "common/json_limits.h"

namespace w2v2 {
namespace {

constexpr uint64_t kMaxHeaderBytes = 100ull << 20;  // the format's own limit is 100 MB

// A name or value as it may appear in a message: at most 100 bytes.
std::string cut(const std::string& text) { return text.size() <= 100 ? text : text.substr(0, 100) + "..."; }

TensorDType parse_dtype(const std::string& text, const std::string& where) {
  if (text == "F32") return TensorDType::kF32;
  if (text == "F16") return TensorDType::kF16;
  if (text == "BF16") return TensorDType::kBF16;
  throw ModelLoadError(where + ": unsupported dtype '" + cut(text) + "' (supported: F32, F16, BF16)");
}

}  // namespace

size_t dtype_size(TensorDType dtype) { return dtype == TensorDType::kF32 ? 4 : 2; }

std::string to_string(TensorDType dtype) {
  switch (dtype) {
    case TensorDType::kF32: return "F32";
    case TensorDType::kF16: return "F16";
    case TensorDType::kBF16: return "BF16";
  }
  return "?";
}

int64_t TensorView::numel() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

std::map<std::string, TensorView> SafetensorsFile::parse(const std::byte* bytes, size_t size,
                                                         const std::string& source,
                                                         std::map<std::string, std::string>* metadata) {
  W2V2_CHECK_AS(ModelLoadError, size >= 8, source, ": too short for a safetensors file (", size, " bytes)");
  uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | static_cast<uint8_t>(bytes[i]);
  W2V2_CHECK_AS(ModelLoadError, header_len <= kMaxHeaderBytes, source, ": header length ", header_len,
                " exceeds the 100 MB limit");
  W2V2_CHECK_AS(ModelLoadError, header_len <= size - 8, source, ": header length ", header_len,
                " runs past the end of the file (", size, " bytes)");
  const std::byte* data = bytes + 8 + header_len;
  const uint64_t data_size = size - 8 - header_len;

  const char* header_text = reinterpret_cast<const char*>(bytes + 8);
  W2V2_CHECK_AS(ModelLoadError, json_nesting_depth(header_text, header_len) <= kMaxJsonDepth, source,
                ": header JSON nested deeper than ", kMaxJsonDepth, " levels");
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(reinterpret_cast<const char*>(bytes + 8),
                                   reinterpret_cast<const char*>(bytes + 8 + header_len));
  } catch (const nlohmann::json::exception& e) {
    throw ModelLoadError(source + ": malformed header JSON: " + e.what());
  }
  W2V2_CHECK_AS(ModelLoadError, header.is_object(), source, ": header is not a JSON object");

  std::map<std::string, TensorView> tensors;
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for (const auto& [name, entry] : header.items()) {
    const std::string where = source + ": tensor '" + cut(name) + "'";
    if (name == "__metadata__") {
      W2V2_CHECK_AS(ModelLoadError, entry.is_object(), source, ": __metadata__ must be an object");
      for (const auto& [k, v] : entry.items()) {
        W2V2_CHECK_AS(ModelLoadError, v.is_string(), source, ": __metadata__ values must be strings");
        if (metadata) (*metadata)[k] = v.get<std::string>();
      }
      continue;
    }
    W2V2_CHECK_AS(ModelLoadError, entry.is_object(), where, ": entry is not an object");
    W2V2_CHECK_AS(ModelLoadError, entry.contains("dtype") && entry["dtype"].is_string(), where, ": missing dtype");
    W2V2_CHECK_AS(ModelLoadError, entry.contains("shape") && entry["shape"].is_array(), where, ": missing shape");
    W2V2_CHECK_AS(ModelLoadError, entry.contains("data_offsets") && entry["data_offsets"].is_array() &&
                      entry["data_offsets"].size() == 2,
                  where, ": data_offsets must be [begin, end]");
    TensorView view;
    view.name = name;
    view.dtype = parse_dtype(entry["dtype"].get<std::string>(), where);
    uint64_t elements = 1;
    for (const auto& d : entry["shape"]) {
      W2V2_CHECK_AS(ModelLoadError, d.is_number_unsigned(), where, ": shape entries must be non-negative integers");
      const uint64_t dim = d.get<uint64_t>();
      W2V2_CHECK_AS(ModelLoadError, dim <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()), where,
                    ": dimension too large");
      W2V2_CHECK_AS(ModelLoadError, dim == 0 || elements <= std::numeric_limits<uint64_t>::max() / dim, where,
                    ": shape overflows");
      elements *= dim;
      view.shape.push_back(static_cast<int64_t>(dim));
    }
    const auto& offsets = entry["data_offsets"];
    W2V2_CHECK_AS(ModelLoadError, offsets[0].is_number_unsigned() && offsets[1].is_number_unsigned(), where,
                  ": data_offsets must be non-negative integers");
    const uint64_t begin = offsets[0].get<uint64_t>();
    const uint64_t end = offsets[1].get<uint64_t>();
    W2V2_CHECK_AS(ModelLoadError, begin <= end && end <= data_size, where, ": data_offsets [", begin, ", ", end,
                  "] out of range (data section is ", data_size, " bytes)");
    const uint64_t elem = dtype_size(view.dtype);
    W2V2_CHECK_AS(ModelLoadError, elements <= std::numeric_limits<uint64_t>::max() / elem, where, ": size overflows");
    W2V2_CHECK_AS(ModelLoadError, elements * elem == end - begin, where, ": shape x dtype size (", elements * elem,
                  " bytes) differs from its byte range (", end - begin, " bytes)");
    view.data = data + begin;
    view.nbytes = static_cast<size_t>(end - begin);
    ranges.emplace_back(begin, end);
    tensors.emplace(name, std::move(view));
  }
  std::sort(ranges.begin(), ranges.end());
  for (size_t i = 1; i < ranges.size(); ++i) {
    W2V2_CHECK_AS(ModelLoadError, ranges[i].first >= ranges[i - 1].second, source,
                  ": tensor byte ranges overlap at offset ", ranges[i].first);
  }
  return tensors;
}

SafetensorsFile::SafetensorsFile(const std::string& path) : path_(path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  W2V2_CHECK_AS(ModelLoadError, fd >= 0, path, ": cannot open (", std::strerror(errno), ")");
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw ModelLoadError(path + ": not a regular file");
  }
  mapping_size_ = static_cast<size_t>(st.st_size);
  if (mapping_size_ > 0) {
    mapping_ = ::mmap(nullptr, mapping_size_, PROT_READ, MAP_PRIVATE, fd, 0);
  }
  ::close(fd);
  if (mapping_ == MAP_FAILED) {
    mapping_ = nullptr;
    throw ModelLoadError(path + ": mmap failed (" + std::strerror(errno) + ")");
  }
  try {
    tensors_ = parse(static_cast<const std::byte*>(mapping_), mapping_size_, path, &metadata_);
  } catch (...) {
    if (mapping_) ::munmap(mapping_, mapping_size_);
    mapping_ = nullptr;
    throw;
  }
}

void SafetensorsFile::release(const TensorView& view) const {
  if (!mapping_ || view.nbytes == 0) return;
  const auto page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto begin = reinterpret_cast<uintptr_t>(view.data);
  const uintptr_t first = (begin + page - 1) / page * page;
  const uintptr_t last = (begin + view.nbytes) / page * page;
  if (last > first) ::madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);  // advice only
}

SafetensorsFile::~SafetensorsFile() {
  if (mapping_) ::munmap(mapping_, mapping_size_);
}

}  // namespace w2v2
