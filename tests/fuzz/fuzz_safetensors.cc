// model.safetensors header and offsets: any byte string is either a valid tensor table or an Error.
#include <cstddef>
#include <cstdint>

#include "common/error.h"
#include "checkpoint/safetensors_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto tensors = w2v2::SafetensorsFile::parse(reinterpret_cast<const std::byte*>(data), size, "fuzz");
    for (const auto& [name, view] : tensors) {
      (void)name;
      (void)view;
    }
  } catch (const w2v2::Error&) {
  }
  return 0;
}
