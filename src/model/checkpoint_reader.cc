#include "model/checkpoint_reader.h"

#include <torch/serialize.h>
#include <torch/torch.h>

#include <cstring>
#include <fstream>
#include <iterator>

#include "common/error.h"
#include "model/safetensors_file.h"
#include "model/safetensors_writer.h"

namespace w2v2 {
namespace {

torch::ScalarType to_scalar_type(TensorDType dtype) {
  switch (dtype) {
    case TensorDType::kF32: return torch::kFloat32;
    case TensorDType::kF16: return torch::kFloat16;
    case TensorDType::kBF16: return torch::kBFloat16;
  }
  return torch::kFloat32;
}

}  // namespace

StateDict read_safetensors(const std::string& path) {
  SafetensorsFile file(path);
  StateDict state;
  for (const auto& [name, view] : file.tensors()) {
    // Copy out of the mapping: the data has no alignment guarantee and the mapping is closed on return.
    torch::Tensor raw = torch::empty(view.shape, torch::TensorOptions().dtype(to_scalar_type(view.dtype)));
    if (view.nbytes > 0) std::memcpy(raw.data_ptr(), view.data, view.nbytes);
    state.emplace(name, view.dtype == TensorDType::kF32 ? raw : raw.to(torch::kFloat32));
  }
  return state;
}

StateDict read_pytorch_bin(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  W2V2_CHECK_AS(ModelLoadError, in.good(), path, ": cannot open");
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  W2V2_CHECK_AS(ModelLoadError, bytes.size() >= 4, path, ": file too short");
  torch::IValue value;
  try {
    value = torch::pickle_load(bytes);
  } catch (const c10::Error& e) {
    throw ModelLoadError(path + ": cannot unpickle (torch.save zip archive expected): " + e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw ModelLoadError(path + ": cannot unpickle: " + e.what());
  }
  W2V2_CHECK_AS(ModelLoadError, value.isGenericDict(), path, ": expected a state dict (name -> tensor)");
  StateDict state;
  for (const auto& item : value.toGenericDict()) {
    W2V2_CHECK_AS(ModelLoadError, item.key().isString(), path, ": state dict key is not a string");
    const std::string name = item.key().toStringRef();
    W2V2_CHECK_AS(ModelLoadError, item.value().isTensor(), path, ": '", name, "' is not a tensor");
    const torch::Tensor tensor = item.value().toTensor();
    W2V2_CHECK_AS(ModelLoadError, tensor.is_floating_point(), path, ": '", name, "' is not floating point");
    state.emplace(name, tensor.to(torch::kFloat32).contiguous());
  }
  return state;
}

StateDict read_checkpoint(const ModelDirectory& model) {
  return model.weights_format == WeightsFormat::kSafetensors ? read_safetensors(model.weights_path)
                                                             : read_pytorch_bin(model.weights_path);
}

void write_safetensors(const StateDict& state, const std::string& path) {
  SafetensorsWriter writer;
  writer.set_metadata("format", "pt");
  for (const auto& [name, tensor] : state) {
    const torch::Tensor t = tensor.to(torch::kFloat32).contiguous();
    writer.add(name, TensorDType::kF32, t.sizes().vec(), t.data_ptr(), static_cast<size_t>(t.numel()) * sizeof(float));
  }
  writer.write(path);
}

}  // namespace w2v2
