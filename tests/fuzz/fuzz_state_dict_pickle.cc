// data.pkl of a torch.save archive: any byte string is either a state dict of tensor descriptions whose
// geometry lies inside its declared storage, or a ModelLoadError. Covers the nesting bound (64 levels), the
// object bound, memo cycles and stride-0 views; destruction must never recurse.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/error.h"
#include "checkpoint/state_dict_unpickler.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string pickle(reinterpret_cast<const char*>(data), size);
  // Small object bound too, so that the fuzzer reaches it with short inputs.
  w2v2::UnpicklerLimits small;
  small.max_objects = 256;
  small.max_depth = 8;
  for (const auto& limits : {w2v2::UnpicklerLimits{}, small}) {
    try {
      const auto tensors = w2v2::StateDictUnpickler("fuzz", limits).read(pickle);
      for (const auto& [name, t] : tensors) {
        // What the unpickler promises: the view lies inside the storage, its size is bounded.
        if (t.size.size() != t.stride.size() || t.offset < 0 || t.storage_numel < 0) __builtin_trap();
        int64_t last = t.offset, numel = 1;
        for (size_t d = 0; d < t.size.size(); ++d) {
          if (t.size[d] < 0 || t.stride[d] < 0) __builtin_trap();
          numel *= t.size[d];
          if (t.size[d] > 0) last += (t.size[d] - 1) * t.stride[d];
        }
        if (numel > 0 && last >= t.storage_numel) __builtin_trap();
        if (numel > t.storage_numel && numel > limits.max_expanded_elements) __builtin_trap();
        (void)name;
      }
    } catch (const w2v2::Error&) {
    }
  }
  return 0;
}
