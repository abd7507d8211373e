#include "runtime/torch_threads.h"

#include <ATen/Parallel.h>
#include <torch/version.h>

#include "common/usable_cores.h"

namespace w2v2 {

int configure_torch_threads(int threads) {
  const int wanted = threads > 0 ? threads : usable_cores();
  if (at::get_num_threads() != wanted) at::set_num_threads(wanted);
  return at::get_num_threads();
}

std::string torch_version() { return TORCH_VERSION; }

}  // namespace w2v2
