#pragma once

#include <cstdint>
#include <vector>

namespace w2v2 {

// Tokens as integers (equal strings, equal ids). The hypothesis gets one leading pad so that b[-1] is readable.
struct TokenIds {
  std::vector<int32_t> a, b_padded;
  const int32_t* b() const { return b_padded.data() + 1; }
};

}  // namespace w2v2
