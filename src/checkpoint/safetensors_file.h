#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace w2v2 {

enum class TensorDType { kF32, kF16, kBF16 };

size_t dtype_size(TensorDType dtype);
std::string to_string(TensorDType dtype);

// A tensor inside a memory-mapped safetensors file. `data` points into the mapping (no alignment
// guarantee) and stays valid while the SafetensorsFile lives.
struct TensorView {
  std::string name;
  TensorDType dtype = TensorDType::kF32;
  std::vector<int64_t> shape;
  const std::byte* data = nullptr;
  size_t nbytes = 0;

  int64_t numel() const;
};

// Read-only, memory-mapped `model.safetensors`. The header is validated in full before any tensor is
// exposed: header length within the file, JSON well-formed, dtype F32/F16/BF16, shape non-negative,
// offsets in range and non-overlapping, and shape x dtype size equal to the byte range.
// Throws ModelLoadError naming the file and the problem; a hostile file never causes a crash.
class SafetensorsFile {
 public:
  explicit SafetensorsFile(const std::string& path);
  ~SafetensorsFile();
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;

  const std::map<std::string, TensorView>& tensors() const { return tensors_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  const std::string& path() const { return path_; }

  // Drops the resident pages that lie wholly inside `view` (it stays readable: the file backs them). A reader
  // that copies tensors out calls it after each copy, so the mapping and the copies are not resident together
  // (for wav2vec2-base, 360 MB less at the load's peak).
  void release(const TensorView& view) const;

  // Validates `bytes` (a whole file image) and returns the tensor table; exposed for fuzzing and tests.
  static std::map<std::string, TensorView> parse(const std::byte* bytes, size_t size, const std::string& source,
                                                 std::map<std::string, std::string>* metadata = nullptr);

 private:
  std::string path_;
  void* mapping_ = nullptr;
  size_t mapping_size_ = 0;
  std::map<std::string, TensorView> tensors_;
  std::map<std::string, std::string> metadata_;
};

}  // namespace w2v2
