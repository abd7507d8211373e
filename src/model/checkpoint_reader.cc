#include "model/checkpoint_reader.h"

#include <caffe2/serialize/inline_container.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <new>
#include <vector>

#include "checkpoint/safetensors_file.h"
#include "checkpoint/safetensors_writer.h"
#include "checkpoint/state_dict_unpickler.h"
#include "checkpoint/zip_directory.h"
#include "common/error.h"
#include "model/wav2vec2_weights.h"

namespace w2v2 {
namespace {

constexpr uint64_t kMiB = 1ull << 20;
constexpr uint64_t kMaxVersionRecordBytes = 4096;

torch::ScalarType to_scalar_type(TensorDType dtype) {
  switch (dtype) {
    case TensorDType::kF32: return torch::kFloat32;
    case TensorDType::kF16: return torch::kFloat16;
    case TensorDType::kBF16: return torch::kBFloat16;
  }
  return torch::kFloat32;
}

torch::ScalarType to_scalar_type(StorageType type) {
  switch (type) {
    case StorageType::kFloat32: return torch::kFloat32;
    case StorageType::kFloat16: return torch::kFloat16;
    case StorageType::kBFloat16: return torch::kBFloat16;
    case StorageType::kFloat64: return torch::kFloat64;
    case StorageType::kInt64: return torch::kInt64;
    case StorageType::kInt32: return torch::kInt32;
    case StorageType::kInt16: return torch::kInt16;
    case StorageType::kInt8: return torch::kInt8;
    case StorageType::kUInt8: return torch::kUInt8;
    case StorageType::kBool: return torch::kBool;
  }
  return torch::kFloat32;
}

uint64_t byte_limit(const CheckpointSelection& selection, uint64_t file_size) {
  return selection.max_bytes > 0 ? selection.max_bytes : 2 * file_size + 64 * kMiB;
}

bool wanted(const CheckpointSelection& selection, const std::string& name, const std::string& path) {
  if (!selection.wanted || selection.wanted(name)) return true;
  spdlog::debug("{}: skipping tensor '{}' (not used for CTC inference)", path, name);
  return false;
}

// Adds `bytes` to `total`; refuses past `limit` before anything is allocated.
void charge(uint64_t& total, uint64_t bytes, uint64_t limit, const std::string& path, const char* what) {
  W2V2_CHECK_AS(ModelLoadError, bytes <= limit && total <= limit - bytes, path, ": the ", what,
                " to read take more than ", limit, " bytes, the most this checkpoint may take (", limit / kMiB,
                " MiB): a checkpoint for a larger model than config.json, or a hostile file");
  total += bytes;
}

StateDict read_safetensors_file(const std::string& path, const CheckpointSelection& selection) {
  std::error_code ec;
  const uint64_t file_size = std::filesystem::file_size(path, ec);
  SafetensorsFile file(path);
  const uint64_t limit = byte_limit(selection, ec ? 0 : file_size);
  std::vector<const TensorView*> kept;
  uint64_t total = 0;
  for (const auto& [name, view] : file.tensors()) {
    if (!wanted(selection, name, path)) continue;
    charge(total, static_cast<uint64_t>(view.numel()) * sizeof(float), limit, path, "tensors");
    kept.push_back(&view);
  }
  StateDict state;
  for (const TensorView* view : kept) {
    // Copy out of the mapping: the data has no alignment guarantee and the mapping is closed on return.
    torch::Tensor raw = torch::empty(view->shape, torch::TensorOptions().dtype(to_scalar_type(view->dtype)));
    if (view->nbytes > 0) std::memcpy(raw.data_ptr(), view->data, view->nbytes);
    file.release(*view);
    state.emplace(view->name, view->dtype == TensorDType::kF32 ? raw : raw.to(torch::kFloat32));
  }
  return state;
}

StateDict read_pytorch_bin_file(const std::string& path, const CheckpointSelection& selection) {
  // Every size is checked against the zip directory before LibTorch's reader allocates anything.
  const ZipDirectory zip = ZipDirectory::open(path);
  const std::string& first = zip.entries().front().name;
  W2V2_CHECK_AS(ModelLoadError, first.find('/') != std::string::npos, path,
                ": not a torch.save archive (its members are not inside one folder)");
  const std::string prefix = first.substr(0, first.find('/') + 1);
  auto entry = [&](const std::string& name) -> const ZipEntry& {
    const ZipEntry* e = zip.find(prefix + name);
    W2V2_CHECK_AS(ModelLoadError, e != nullptr, path, ": the archive has no record ", name.substr(0, 200));
    return *e;
  };
  for (const char* name : {"version", ".data/version"}) {
    const ZipEntry* e = zip.find(prefix + name);
    W2V2_CHECK_AS(ModelLoadError, !e || e->uncompressed_size <= kMaxVersionRecordBytes, path, ": record ", name,
                  " is ", e ? e->uncompressed_size : 0, " bytes (a version number is a few)");
  }
  const ZipEntry& pickle_entry = entry("data.pkl");
  W2V2_CHECK_AS(ModelLoadError, pickle_entry.uncompressed_size <= kMaxPickleBytes, path, ": data.pkl is ",
                pickle_entry.uncompressed_size, " bytes, more than the ", kMaxPickleBytes / kMiB,
                " MiB a state dict's pickle may take");

  try {
    caffe2::serialize::PyTorchStreamReader archive(path);
    auto record = [&](const std::string& name, const ZipEntry& e) {
      // LibTorch's reader must see the member our directory checked (same data offset).
      W2V2_CHECK_AS(ModelLoadError, archive.getRecordOffset(name) == e.data_offset, path,
                    ": inconsistent zip directory for record ", name.substr(0, 200));
      auto [data, size] = archive.getRecord(name);
      W2V2_CHECK_AS(ModelLoadError, size == e.uncompressed_size, path, ": record ", name.substr(0, 200),
                    " changed size while reading");
      return std::make_shared<at::DataPtr>(std::move(data));
    };
    std::string pickle;
    if (pickle_entry.uncompressed_size > 0) {
      const auto pickle_data = record("data.pkl", pickle_entry);
      pickle.assign(static_cast<const char*>(pickle_data->get()), pickle_entry.uncompressed_size);
    }
    const std::map<std::string, PickledTensor> tensors = StateDictUnpickler(path).read(pickle);

    // Choose the tensors and bound what they cost before reading any storage.
    const uint64_t limit = byte_limit(selection, zip.file_size());
    std::vector<std::pair<std::string, const PickledTensor*>> kept;
    struct StorageRecord {
      const ZipEntry* entry;
      const PickledTensor* tensor;  // one tensor of this storage: its type and declared size
    };
    std::map<std::string, StorageRecord> storages;
    uint64_t tensor_bytes = 0, storage_bytes = 0;
    for (const auto& [name, t] : tensors) {
      if (!wanted(selection, name, path)) continue;
      W2V2_CHECK_AS(ModelLoadError, is_floating_point(t.storage_type), path, ": '", name.substr(0, 200),
                    "' is not floating point");
      charge(tensor_bytes, static_cast<uint64_t>(t.numel()) * sizeof(float), limit, path, "tensors");
      kept.emplace_back(name, &t);
      if (storages.count(t.storage_key)) continue;
      const ZipEntry& e = entry("data/" + t.storage_key);
      const uint64_t declared = static_cast<uint64_t>(t.storage_numel) * element_size(t.storage_type);
      W2V2_CHECK_AS(ModelLoadError, e.uncompressed_size == declared, path, ": record data/",
                    t.storage_key.substr(0, 200), " holds ", e.uncompressed_size, " bytes but the pickle declares ",
                    declared);
      charge(storage_bytes, declared, limit, path, "storages");
      storages.emplace(t.storage_key, StorageRecord{&e, &t});
    }

    std::map<std::string, torch::Tensor> storage_tensors;
    for (const auto& [key, s] : storages) {
      const auto options = torch::TensorOptions().dtype(to_scalar_type(s.tensor->storage_type));
      if (s.tensor->storage_numel == 0) {
        storage_tensors.emplace(key, torch::empty({0}, options));
        continue;
      }
      // The tensor borrows LibTorch's buffer (no second copy) and keeps it alive.
      const auto data = record("data/" + key, *s.entry);
      storage_tensors.emplace(key, torch::from_blob(data->get(), {s.tensor->storage_numel}, [data](void*) {}, options));
    }
    StateDict state;
    for (const auto& [name, t] : kept) {
      const torch::Tensor& storage = storage_tensors.at(t->storage_key);
      torch::Tensor tensor = t->numel() == 0 ? torch::empty(t->size, torch::kFloat32)
                                             : storage.as_strided(t->size, t->stride, t->offset);
      state.emplace(name, tensor.to(torch::kFloat32).contiguous());
    }
    return state;
  } catch (const c10::Error& e) {
    throw ModelLoadError(path + ": cannot read the torch.save archive: " + e.what_without_backtrace());
  }
}

template <typename Read>
StateDict guard_memory(const std::string& path, Read read) {
  try {
    return read();
  } catch (const std::bad_alloc&) {
    throw ModelLoadError(path + ": out of memory while reading the weights");
  }
}

}  // namespace

StateDict read_safetensors(const std::string& path, const CheckpointSelection& selection) {
  return guard_memory(path, [&] { return read_safetensors_file(path, selection); });
}

StateDict read_pytorch_bin(const std::string& path, const CheckpointSelection& selection) {
  std::ifstream probe(path, std::ios::binary);
  W2V2_CHECK_AS(ModelLoadError, probe.good(), path, ": cannot open");
  char magic[2] = {0, 0};
  probe.read(magic, 2);
  W2V2_CHECK_AS(ModelLoadError, probe.gcount() == 2 && magic[0] == 'P' && magic[1] == 'K', path,
                ": not a torch.save zip archive (a legacy pre-1.6 torch.save file? re-save it with a current torch, "
                "or as model.safetensors)");
  return guard_memory(path, [&] { return read_pytorch_bin_file(path, selection); });
}

StateDict read_checkpoint(const ModelDirectory& model) {
  const CheckpointSelection selection = Wav2Vec2Weights::checkpoint_selection(model.config);
  return model.weights_format == WeightsFormat::kSafetensors ? read_safetensors(model.weights_path, selection)
                                                             : read_pytorch_bin(model.weights_path, selection);
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
