#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace w2v2 {

// The element types of torch.save storages (torch.FloatStorage, torch.HalfStorage, ...).
enum class StorageType { kFloat32, kFloat16, kBFloat16, kFloat64, kInt64, kInt32, kInt16, kInt8, kUInt8, kBool };

size_t element_size(StorageType type);
bool is_floating_point(StorageType type);

// A tensor as a torch.save pickle describes it, before any data is read: a strided view of the storage
// held in the archive's record data/<storage_key>. The unpickler has checked that the view lies inside the
// storage's declared `storage_numel` elements.
struct PickledTensor {
  std::string storage_key;
  StorageType storage_type = StorageType::kFloat32;
  int64_t storage_numel = 0;  // elements, as declared by the persistent id
  int64_t offset = 0;         // elements
  std::vector<int64_t> size;
  std::vector<int64_t> stride;

  int64_t numel() const;  // product of `size` (checked against overflow by the unpickler)
};

}  // namespace w2v2
