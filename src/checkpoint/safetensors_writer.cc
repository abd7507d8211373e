#include "checkpoint/safetensors_writer.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "common/error.h"
#include "output/output_stream.h"

namespace w2v2 {

void SafetensorsWriter::add(const std::string& name, TensorDType dtype, std::vector<int64_t> shape,
                            const void* data, size_t nbytes) {
  Entry entry{name, dtype, std::move(shape), std::vector<std::byte>(nbytes)};
  if (nbytes > 0) std::memcpy(entry.bytes.data(), data, nbytes);
  entries_.push_back(std::move(entry));
}

void SafetensorsWriter::set_metadata(const std::string& key, const std::string& value) {
  metadata_.emplace_back(key, value);
}

std::string SafetensorsWriter::serialize() const {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata_.empty()) {
    nlohmann::ordered_json meta = nlohmann::ordered_json::object();
    for (const auto& [k, v] : metadata_) meta[k] = v;
    header["__metadata__"] = meta;
  }
  uint64_t offset = 0;
  for (const auto& e : entries_) {
    header[e.name] = {{"dtype", to_string(e.dtype)},
                      {"shape", e.shape},
                      {"data_offsets", {offset, offset + e.bytes.size()}}};
    offset += e.bytes.size();
  }
  std::string text = header.dump();
  while ((text.size() + 8) % 8 != 0) text.push_back(' ');
  std::string out;
  out.reserve(8 + text.size() + offset);
  uint64_t len = text.size();
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((len >> (8 * i)) & 0xff));
  out += text;
  for (const auto& e : entries_) out.append(reinterpret_cast<const char*>(e.bytes.data()), e.bytes.size());
  return out;
}

void SafetensorsWriter::write(const std::string& path) const {
  write_output_file(path, serialize());  // a unique O_EXCL temporary renamed into place (OutputStream)
}

}  // namespace w2v2
