#pragma once

namespace w2v2 {

// Sets torch's intra-op thread count (0 = one per core) and returns the count in effect.
int configure_torch_threads(int threads);

}  // namespace w2v2
