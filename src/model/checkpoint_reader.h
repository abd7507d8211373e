#pragma once

#include <torch/types.h>

#include <map>
#include <string>

#include "model/model_directory.h"

namespace w2v2 {

// Hugging Face parameter name -> float32 contiguous CPU tensor.
using StateDict = std::map<std::string, torch::Tensor>;

// Reads model.safetensors (memory-mapped, validated; F32/F16/BF16 converted to float32).
StateDict read_safetensors(const std::string& path);
// Reads pytorch_model.bin (torch.save zip archive of a dict or OrderedDict state dict; see
// StateDictUnpickler), every tensor on the CPU.
StateDict read_pytorch_bin(const std::string& path);
// Reads the weights of a model folder in whichever format it has. Throws ModelLoadError.
StateDict read_checkpoint(const ModelDirectory& model);

// Writes a state dict as model.safetensors (float32).
void write_safetensors(const StateDict& state, const std::string& path);

}  // namespace w2v2
