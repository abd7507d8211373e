#include "output/npy_file.h"

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <regex>

#include "common/error.h"
#include "output/output_stream.h"

namespace w2v2 {

void write_npy(const std::string& path, const float* data, const std::vector<int64_t>& shape) {
  std::string dims;
  int64_t count = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    dims += std::to_string(shape[i]) + (shape.size() == 1 || i + 1 < shape.size() ? "," : "");
    if (i + 1 < shape.size()) dims += " ";
    count *= shape[i];
  }
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
  // Pad with spaces so that magic (6) + version (2) + length (2) + header + '\n' is a multiple of 64.
  while ((10 + header.size() + 1) % 64 != 0) header.push_back(' ');
  header.push_back('\n');

  OutputStream file(path);
  std::ostream& out = file.stream();
  out.write("\x93NUMPY\x01\x00", 8);
  const uint16_t len = static_cast<uint16_t>(header.size());
  const char len_bytes[2] = {static_cast<char>(len & 0xff), static_cast<char>(len >> 8)};
  out.write(len_bytes, 2);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(count * sizeof(float)));
  file.commit();
}

NpyArray read_npy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  W2V2_CHECK(in.good(), path, ": cannot open");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  W2V2_CHECK(bytes.size() >= 10 && bytes.compare(0, 6, "\x93NUMPY") == 0, path, ": not a .npy file");
  const int major = static_cast<unsigned char>(bytes[6]);
  size_t header_len = 0;
  size_t offset = 0;
  if (major == 1) {
    header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
    offset = 10;
  } else {
    W2V2_CHECK(bytes.size() >= 12, path, ": truncated header");
    for (int i = 3; i >= 0; --i) header_len = (header_len << 8) | static_cast<unsigned char>(bytes[8 + i]);
    offset = 12;
  }
  W2V2_CHECK(offset + header_len <= bytes.size(), path, ": truncated header");
  const std::string header = bytes.substr(offset, header_len);
  W2V2_CHECK(header.find("'descr': '<f4'") != std::string::npos, path, ": only float32 ('<f4') is supported");
  W2V2_CHECK(header.find("'fortran_order': False") != std::string::npos, path, ": Fortran order is not supported");
  std::smatch match;
  W2V2_CHECK(std::regex_search(header, match, std::regex("'shape': \\(([^)]*)\\)")), path, ": no shape");
  NpyArray array;
  const std::string dims = match[1];
  std::regex number("[0-9]+");
  int64_t count = 1;
  for (auto it = std::sregex_iterator(dims.begin(), dims.end(), number); it != std::sregex_iterator(); ++it) {
    array.shape.push_back(std::stoll(it->str()));
    count *= array.shape.back();
  }
  const size_t data_offset = offset + header_len;
  W2V2_CHECK(bytes.size() - data_offset == static_cast<size_t>(count) * sizeof(float), path,
             ": data size does not match the shape");
  array.data.resize(static_cast<size_t>(count));
  std::copy(bytes.data() + data_offset, bytes.data() + bytes.size(), reinterpret_cast<char*>(array.data.data()));
  return array;
}

}  // namespace w2v2
