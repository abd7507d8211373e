#pragma once

#include <torch/types.h>

#include <cstdint>
#include <string>

namespace w2v2 {

// How one row of activations (one frame) maps to u8: q = clamp(round(x / scale) + zero_point, 0, 255),
// x ≈ scale · (q − zero_point).
struct ActivationQuantization {
  float scale = 1.0f;
  int32_t zero_point = 0;

  // The affine map of the range [min, max] widened to hold 0, so that 0 is exact (padded frames stay 0):
  // scale = (max − min) / 255, zero_point = round(−min / scale). A range of zero width maps with scale 1.
  static ActivationQuantization for_range(float min, float max);
};

// A linear layer y = x Wᵀ + b whose products run in 8-bit integers through oneDNN's matmul (CPU only).
// Weights are quantized once, per output channel n, to signed integers |q| ≤ 2^(bits−1) − 1 with
// scale_n = max_k |W[n, k]| / (2^(bits−1) − 1); activations are quantized per call and per row m (a frame),
// to u8 with a zero point (ActivationQuantization of the row's range), so that a frame's result depends on
// that frame alone (padding and batch-mates change nothing, as in fp32). The result
//   y[m, n] = s_m · scale_n · Σ_k (q_x[m, k] − z_m) · q_w[n, k] + b[n]
// is exact in integers where the CPU's kernel is: with VNNI (32-bit accumulation), or with 7-bit weights
// on AVX2, where 8-bit ones let the kernel's 16-bit sums of two u8 × s8 products saturate.
// With 16-bit activations a second u8 pass carries what the first left: r = round((x − s_m (q_x − z_m)) /
// (s_m / 254)) + 128, and y adds s_m / 254 · scale_n · Σ_k (r − 128) q_w; the row's quantization step is then
// s_m / 254 (about 16 bits over its range) for twice the integer work.
// Calls are thread-safe; oneDNN runs on the calling thread's OpenMP team, sized to LibTorch's thread count.
class Int8Linear {
 public:
  Int8Linear() = default;
  // weight (N, K) float32, bias (N) float32 or undefined (no bias); weight_bits 7 or 8; activation_bits 8
  // (one u8 pass) or 16 (two); `name` for errors.
  // Throws ConfigError when this build has no oneDNN, ModelLoadError for non-finite weights (which would
  // quantize to finite garbage, where fp32 gives NaN logits that the decoder reports).
  Int8Linear(const torch::Tensor& weight, const torch::Tensor& bias, int weight_bits, int activation_bits = 8,
             const std::string& name = "");

  // x (..., K) float32 -> (..., N) float32. A row with a non-finite activation gives a NaN output row (its
  // quantization would be meaningless), which the decoder reports for its utterance; other rows are unaffected.
  torch::Tensor operator()(const torch::Tensor& x) const;

  bool defined() const { return weight_.defined(); }
  int weight_bits() const { return weight_bits_; }
  int activation_bits() const { return activation_bits_; }
  const torch::Tensor& weight() const { return weight_; }  // (K, N) int8, transposed for oneDNN
  const torch::Tensor& scales() const { return scales_; }  // (N) float32, > 0
  const torch::Tensor& bias() const { return bias_; }      // (N) float32 (zeros when the layer had none)
  int64_t bytes() const;                                   // what the layer holds

  // Whether this build has oneDNN (the int8 path).
  static bool available();
  // Whether this CPU multiplies u8 × s8 with 32-bit accumulation (VNNI, as oneDNN dispatches it; honours
  // DNNL_MAX_CPU_ISA), so 8-bit weights are exact.
  static bool cpu_has_vnni();
  // The weight bits that are exact on this CPU: 8 with VNNI, else 7.
  static int exact_weight_bits();

 private:
  torch::Tensor weight_, weight_sums_, scales_, bias_;  // weight_sums_ (N) int32: Σ_k weight_[k, n]
  int weight_bits_ = 0;
  int activation_bits_ = 8;
};

}  // namespace w2v2
