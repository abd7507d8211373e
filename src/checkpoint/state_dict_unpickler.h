#pragma once

#include <cstddef>
#include <map>
#include <string>

#include "checkpoint/pickled_tensor.h"

namespace w2v2 {

// Limits on what one pickle may build; past them the pickle is refused with a ModelLoadError.
struct UnpicklerLimits {
  // Deepest nesting of tuples, lists and dicts (a real state dict nests 3 deep).
  int max_depth = 64;
  // Objects built plus container slots plus memo entries (a real state dict needs about 30 per tensor).
  size_t max_objects = 1'000'000;
  // Elements of one tensor view beyond its storage's own size (stride-0 views expand a storage).
  int64_t max_expanded_elements = int64_t{1} << 24;
};

// Reads the pickle of a torch.save state dict (the data.pkl of its zip archive) without LibTorch's
// unpickler, which turns collections.OrderedDict — what model.state_dict() and transformers'
// save_pretrained write — into None. Understands the protocol 2-4 opcodes torch.save uses, dict and
// OrderedDict (the _metadata attribute is ignored), torch._utils._rebuild_tensor_v2 / _rebuild_parameter and
// persistent storage ids ('storage', torch.<Type>Storage, key, location, numel); no other callable is
// accepted. Torch-free: it returns where each tensor's data lies (PickledTensor) and reads no storage, so
// the caller can choose the tensors it needs and bound their size before reading any.
// Objects live in one arena and refer to each other by index: destruction never recurses and reference
// cycles built by a hostile pickle cannot leak. Throws ModelLoadError naming `source`.
class StateDictUnpickler {
 public:
  explicit StateDictUnpickler(std::string source, UnpicklerLimits limits = {});
  std::map<std::string, PickledTensor> read(const std::string& pickle) const;

 private:
  std::string source_;
  UnpicklerLimits limits_;
};

}  // namespace w2v2
