#include "engine/device.h"

#include <algorithm>

#include "common/error.h"

namespace w2v2 {

namespace {

constexpr int kMaxIndexDigits = 3;

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

Device Device::parse(const std::string& text) {
  if (text == "cpu") return cpu();
  if (text == "auto") return automatic();
  if (text == "cuda") return cuda();
  const std::string prefix = "cuda:";
  if (text.compare(0, prefix.size(), prefix) == 0) {
    const std::string digits = text.substr(prefix.size());
    if (all_digits(digits) && digits.size() <= static_cast<size_t>(kMaxIndexDigits)) return cuda(std::stoi(digits));
  }
  throw ConfigError("device must be cpu, cuda, cuda:N or auto; got '" + text + "'");
}

std::string Device::to_string() const {
  switch (kind) {
    case Kind::kCpu: return "cpu";
    case Kind::kAuto: return "auto";
    case Kind::kCuda: return index < 0 ? "cuda" : "cuda:" + std::to_string(index);
  }
  return "unknown";
}

void Device::validate() const {
  if (kind == Kind::kCuda) {
    W2V2_CHECK_AS(ConfigError, index >= -1 && index <= 999, "CUDA device index must be in 0..999; got ", index);
  } else {
    W2V2_CHECK_AS(ConfigError, index == -1, "device ", to_string(), " takes no index; got ", index);
  }
}

}  // namespace w2v2
