#include "model/checkpoint_reader.h"

#include <caffe2/serialize/inline_container.h>
#include <torch/torch.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>

#include "common/error.h"
#include "model/safetensors_file.h"
#include "model/safetensors_writer.h"
#include "model/state_dict_unpickler.h"

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
  std::ifstream probe(path, std::ios::binary);
  W2V2_CHECK_AS(ModelLoadError, probe.good(), path, ": cannot open");
  char magic[2] = {0, 0};
  probe.read(magic, 2);
  W2V2_CHECK_AS(ModelLoadError, probe.gcount() == 2 && magic[0] == 'P' && magic[1] == 'K', path,
                ": not a torch.save zip archive (a legacy pre-1.6 torch.save file? re-save it with a current torch, "
                "or as model.safetensors)");
  std::unique_ptr<caffe2::serialize::PyTorchStreamReader> archive;
  auto record = [&](const std::string& name) {
    W2V2_CHECK_AS(ModelLoadError, archive->hasRecord(name), path, ": the archive has no record ", name);
    const auto [data, size] = archive->getRecord(name);
    return std::string(static_cast<const char*>(data.get()), size);
  };
  try {
    archive = std::make_unique<caffe2::serialize::PyTorchStreamReader>(path);
    StateDictUnpickler unpickler(path, [&](const std::string& key) { return record("data/" + key); });
    const std::map<std::string, torch::Tensor> tensors = unpickler.read(record("data.pkl"));
    StateDict state;
    for (const auto& [name, tensor] : tensors) {
      W2V2_CHECK_AS(ModelLoadError, tensor.is_floating_point(), path, ": '", name, "' is not floating point");
      state.emplace(name, tensor.to(torch::kFloat32).contiguous());
    }
    return state;
  } catch (const c10::Error& e) {
    throw ModelLoadError(path + ": cannot read the torch.save archive: " + e.what_without_backtrace());
  }
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
