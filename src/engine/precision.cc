#include "engine/precision.h"

#include <array>

#include "common/error.h"

namespace w2v2 {
namespace {

constexpr std::array<Precision, 5> kAll{Precision::kFp32, Precision::kTf32, Precision::kBf16, Precision::kFp16,
                                        Precision::kInt8};

}  // namespace

Precision parse_precision(const std::string& text) {
  for (Precision p : kAll) {
    if (text == to_string(p)) return p;
  }
  throw ConfigError("precision '" + text + "': expected " + precision_choices());
}

std::string to_string(Precision precision) {
  switch (precision) {
    case Precision::kFp32:
      return "fp32";
    case Precision::kTf32:
      return "tf32";
    case Precision::kBf16:
      return "bf16";
    case Precision::kFp16:
      return "fp16";
    case Precision::kInt8:
      return "int8";
  }
  return "unknown";
}

std::string precision_choices() {
  std::string out;
  for (size_t i = 0; i < kAll.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == kAll.size() ? " or " : ", ") + to_string(kAll[i]);
  }
  return out;
}

bool is_half(Precision precision) { return precision == Precision::kBf16 || precision == Precision::kFp16; }

}  // namespace w2v2
