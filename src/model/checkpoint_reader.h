#pragma once

#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "checkpoint/model_directory.h"

namespace w2v2 {

// Hugging Face parameter name -> float32 contiguous CPU tensor.
using StateDict = std::map<std::string, torch::Tensor>;

// Which tensors of a checkpoint to read, and how much they may cost. Tensors not `wanted` are skipped
// without reading their data. The float32 bytes of the tensors read (stride-0 views counted expanded), and
// for a .bin the bytes of the storages they live in, must each stay within `max_bytes`; past it the file is
// refused with a ModelLoadError before anything is allocated.
struct CheckpointSelection {
  std::function<bool(const std::string&)> wanted;  // empty: every tensor
  uint64_t max_bytes = 0;                          // 0: twice the file's size plus 64 MiB
};

// Reads model.safetensors (memory-mapped, validated; F32/F16/BF16 converted to float32).
StateDict read_safetensors(const std::string& path, const CheckpointSelection& selection = {});
// Reads pytorch_model.bin (torch.save zip archive of a dict or OrderedDict state dict; see
// StateDictUnpickler and ZipDirectory), every tensor on the CPU. data.pkl may hold at most kMaxPickleBytes.
StateDict read_pytorch_bin(const std::string& path, const CheckpointSelection& selection = {});
inline constexpr uint64_t kMaxPickleBytes = 64ull << 20;
// Reads the weights of a model folder in whichever format it has: only the tensors its config's model uses
// (Wav2Vec2Weights::checkpoint_selection). Throws ModelLoadError naming the file, also when memory runs out.
StateDict read_checkpoint(const ModelDirectory& model);

// Writes a state dict as model.safetensors (float32).
void write_safetensors(const StateDict& state, const std::string& path);

}  // namespace w2v2
