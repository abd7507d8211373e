#pragma once

#include <string>

namespace w2v2 {

// The arithmetic the model runs in. Parsed once from its text form (`--precision`).
//   fp32: float32 everywhere (the reference). On CUDA with TF32 off for matrix products and convolutions.
//   tf32: CUDA only: float32 tensors, matrix products and convolutions on tensor cores in TF32.
//   bf16, fp16: weights of the matrix products and convolutions cast once at load; those products run in the
//         half type, while layer norms, group norm statistics and softmax take float32 inputs and the residual
//         stream stays float32, as autocast would; logits come back float32. fp16 is CUDA only; bf16 also runs
//         on the CPU (a correctness path: fast only where the CPU has AVX512-BF16 or AMX).
//   int8: CPU only: the transformer's linear layers and the feature projection multiply 8-bit integers
//         (oneDNN): weights quantized per output channel once at load, activations per call (see
//         model/int8_linear.h); convolutions, norms, attention scores and softmax stay float32.
enum class Precision { kFp32, kTf32, kBf16, kFp16, kInt8 };

// "fp32", "tf32", "bf16", "fp16" or "int8"; anything else throws ConfigError listing these.
Precision parse_precision(const std::string& text);
// The text parse_precision() reads back.
std::string to_string(Precision precision);
// "fp32, tf32, bf16, fp16 or int8": for messages.
std::string precision_choices();

// bf16 and fp16: the precisions whose matrix products run in a 16-bit float type.
bool is_half(Precision precision);

}  // namespace w2v2
