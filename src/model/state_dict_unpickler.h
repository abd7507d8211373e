#pragma once

#include <torch/types.h>

#include <functional>
#include <map>
#include <string>

namespace w2v2 {

// Reads the pickle of a torch.save state dict (the data.pkl of its zip archive) without LibTorch's
// unpickler, which turns collections.OrderedDict — what model.state_dict() and transformers'
// save_pretrained write — into None. Understands the protocol 2-4 opcodes torch.save uses, dict and
// OrderedDict (the _metadata attribute is ignored), torch._utils._rebuild_tensor_v2 / _rebuild_parameter and
// persistent storage ids ('storage', torch.<Type>Storage, key, location, numel); every storage is loaded on
// the CPU whatever location it was saved from. `storage_bytes(key)` returns the bytes of record data/<key>.
// Tensors come back as saved (dtype, shape; strided views resolved). Throws ModelLoadError naming `source`.
class StateDictUnpickler {
 public:
  StateDictUnpickler(std::string source, std::function<std::string(const std::string&)> storage_bytes);
  std::map<std::string, torch::Tensor> read(const std::string& pickle);

 private:
  std::string source_;
  std::function<std::string(const std::string&)> storage_bytes_;
  std::map<std::string, torch::Tensor> storages_;  // by key: tensors may share one storage
};

}  // namespace w2v2
