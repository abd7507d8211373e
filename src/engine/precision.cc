#include "engine/precision.h"

#include "common/error.h"

namespace w2v2 {

Precision parse_precision(const std::string& text) {
  if (text == "fp32") return Precision::kFp32;
  if (text == "int8") return Precision::kInt8;
  throw ConfigError("precision '" + text + "': expected fp32 or int8");
}

std::string to_string(Precision precision) {
  switch (precision) {
    case Precision::kFp32:
      return "fp32";
    case Precision::kInt8:
      return "int8";
  }
  return "unknown";
}

}  // namespace w2v2
