#pragma once

#include <string>

namespace w2v2 {

// The arithmetic the model runs in. Parsed once from its text form (`--precision`).
//   fp32: float32 everywhere (the reference).
//   int8: on the CPU, the transformer's linear layers and the feature projection multiply 8-bit integers
//         (oneDNN): weights quantized per output channel once at load, activations per call (see
//         model/int8_linear.h); convolutions, norms, attention scores and softmax stay float32.
enum class Precision { kFp32, kInt8 };

// "fp32" or "int8"; anything else throws ConfigError listing these.
Precision parse_precision(const std::string& text);
// The text parse_precision() reads back.
std::string to_string(Precision precision);

}  // namespace w2v2
