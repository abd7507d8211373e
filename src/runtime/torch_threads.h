#pragma once

#include <string>

namespace w2v2 {

// Sets torch's intra-op thread count (0 = one per core) and returns the count in effect.
int configure_torch_threads(int threads);

// The LibTorch version this program was built against, e.g. "1.13.0" (plus "+cuda" where CUDA is in use).
std::string torch_version();

}  // namespace w2v2
