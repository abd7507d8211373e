#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace w2v2 {

// A float32, C-order NumPy array.
struct NpyArray {
  std::vector<int64_t> shape;
  std::vector<float> data;
};

// Writes `data` with `shape` as a NumPy .npy file (version 1.0, '<f4', C order), atomically.
void write_npy(const std::string& path, const float* data, const std::vector<int64_t>& shape);
// Reads a '<f4' C-order .npy file; throws Error on anything else.
NpyArray read_npy(const std::string& path);

}  // namespace w2v2
