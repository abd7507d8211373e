#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "checkpoint/safetensors_file.h"

namespace w2v2 {

// Writes a safetensors file (header padded to 8 bytes, tensors in the order added). Used to save
// random-weight checkpoints of real-size configs and to build malformed-file test cases.
class SafetensorsWriter {
 public:
  void add(const std::string& name, TensorDType dtype, std::vector<int64_t> shape, const void* data, size_t nbytes);
  void set_metadata(const std::string& key, const std::string& value);
  // Writes atomically (temporary file, then rename). Throws OutputError.
  void write(const std::string& path) const;
  std::string serialize() const;  // the whole file image

 private:
  struct Entry {
    std::string name;
    TensorDType dtype;
    std::vector<int64_t> shape;
    std::vector<std::byte> bytes;
  };
  std::vector<Entry> entries_;
  std::vector<std::pair<std::string, std::string>> metadata_;
};

}  // namespace w2v2
