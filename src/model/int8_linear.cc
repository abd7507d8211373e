#include "model/int8_linear.h"

#include <ATen/Parallel.h>
#include <torch/library.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#ifdef W2V2_HAVE_DNNL
#include <immintrin.h>
#include <oneapi/dnnl/dnnl.hpp>
#endif

#include "common/error.h"

namespace w2v2 {
namespace {

constexpr int64_t kMaxInputFeatures = 65536;  // 255 · 127 · 65536 < 2^31
constexpr const char* kNoOneDnn = "int8: this build has no oneDNN (install libdnnl-dev and rebuild)";

#ifdef W2V2_HAVE_DNNL
// The second pass's steps: scale / 254, so the first pass's rounding error (within ±scale / 2) spans ±127.
constexpr float kResidualSteps = 254.0f;
constexpr float kResidualZeroPoint = 128.0f;

struct Range {
  float min = 0.0f;
  float max = 0.0f;
  bool finite = true;
};

// min, max and finiteness of x[0, n), n > 0, in one pass. Non-finite values show as an exponent of all ones
// (|bits| >= 0x7f800000); NaN compares false, so only that test catches it.
Range range_of_scalar(const float* x, int64_t n) {
  float lo = x[0];
  float hi = x[0];
  uint32_t widest = 0;
  for (int64_t i = 0; i < n; ++i) {
    lo = x[i] < lo ? x[i] : lo;
    hi = x[i] > hi ? x[i] : hi;
    uint32_t bits;
    std::memcpy(&bits, &x[i], sizeof bits);
    widest = std::max(widest, bits & 0x7fffffffu);
  }
  return Range{lo, hi, widest < 0x7f800000u};
}

// The same, 8 lanes at a time (GCC does not vectorize a float min/max reduction without -ffast-math).
__attribute__((target("avx2"))) Range range_of_avx2(const float* x, int64_t n) {
  __m256 lo = _mm256_set1_ps(x[0]);
  __m256 hi = lo;
  __m256i widest = _mm256_setzero_si256();
  const __m256i magnitude = _mm256_set1_epi32(0x7fffffff);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 v = _mm256_loadu_ps(x + i);
    lo = _mm256_min_ps(lo, v);
    hi = _mm256_max_ps(hi, v);
    widest = _mm256_max_epu32(widest, _mm256_and_si256(_mm256_castps_si256(v), magnitude));
  }
  alignas(32) float lows[8], highs[8];
  alignas(32) uint32_t magnitudes[8];
  _mm256_store_ps(lows, lo);
  _mm256_store_ps(highs, hi);
  _mm256_store_si256(reinterpret_cast<__m256i*>(magnitudes), widest);
  Range r{lows[0], highs[0], true};
  for (int lane = 0; lane < 8; ++lane) {
    r.min = std::min(r.min, lows[lane]);
    r.max = std::max(r.max, highs[lane]);
    r.finite = r.finite && magnitudes[lane] < 0x7f800000u;
  }
  if (i < n) {
    const Range tail = range_of_scalar(x + i, n - i);
    r = Range{std::min(r.min, tail.min), std::max(r.max, tail.max), r.finite && tail.finite};
  }
  return r;
}

Range range_of(const float* x, int64_t n) {
  static const bool avx2 = __builtin_cpu_supports("avx2");
  return avx2 ? range_of_avx2(x, n) : range_of_scalar(x, n);
}

// q[i] = clamp(round_half_even(x[i] / scale) + zero_point, 0, 255)
__attribute__((target_clones("avx512f", "avx2", "default"))) void quantize(const float* x, int64_t n, float scale,
                                                                           float zero_point, uint8_t* q) {
  for (int64_t i = 0; i < n; ++i) {
    float v = std::nearbyint(x[i] / scale) + zero_point;
    v = v < 0.0f ? 0.0f : v;
    v = v > 255.0f ? 255.0f : v;
    q[i] = static_cast<uint8_t>(static_cast<int32_t>(v));
  }
}

// The second pass of a row quantized with (scale, zero_point) into q: what the first left, x − scale · (q − z),
// which lies within ±scale / 2, to r[i] = round(residual / (scale / 254)) + 128 ∈ [1, 255] (u8, zero point 128).
__attribute__((target_clones("avx512f", "avx2", "default"))) void quantize_residual(const float* x, const uint8_t* q,
                                                                                    int64_t n, float scale,
                                                                                    float zero_point, uint8_t* r) {
  const float fine = scale / kResidualSteps;
  for (int64_t i = 0; i < n; ++i) {
    const float residual = x[i] - scale * (static_cast<float>(q[i]) - zero_point);
    float v = std::nearbyint(residual / fine) + kResidualZeroPoint;
    v = v < 1.0f ? 1.0f : v;
    v = v > 255.0f ? 255.0f : v;
    r[i] = static_cast<uint8_t>(static_cast<int32_t>(v));
  }
}

// out[n] = s_x · w_scale[n] · (acc[n] − z_x · w_sum[n]) + bias[n]: one output row from its integer sums.
__attribute__((target_clones("avx512f", "avx2", "default"))) void dequantize_row(
    const int32_t* acc, int64_t n, float s_x, int32_t z_x, const int32_t* w_sum, const float* w_scale,
    const float* bias, float* out) {
  for (int64_t i = 0; i < n; ++i) {
    out[i] = static_cast<float>(acc[i] - z_x * w_sum[i]) * (s_x * w_scale[i]) + bias[i];
  }
}

// The same with a second pass: out[n] = w_scale[n] · (s_x · (acc[n] − z_x · w_sum[n]) + s_r · (acc_r[n] −
// 128 · w_sum[n])) + bias[n], s_r = s_x / 254.
__attribute__((target_clones("avx512f", "avx2", "default"))) void dequantize_two_pass_row(
    const int32_t* acc, const int32_t* acc_r, int64_t n, float s_x, int32_t z_x, const int32_t* w_sum,
    const float* w_scale, const float* bias, float* out) {
  const float s_r = s_x / kResidualSteps;
  const int32_t z_r = static_cast<int32_t>(kResidualZeroPoint);
  for (int64_t i = 0; i < n; ++i) {
    const float coarse = static_cast<float>(acc[i] - z_x * w_sum[i]) * s_x;
    const float fine = static_cast<float>(acc_r[i] - z_r * w_sum[i]) * s_r;
    out[i] = (coarse + fine) * w_scale[i] + bias[i];
  }
}

const dnnl::engine& cpu_engine() {
  static const dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

// acc (M, N) s32 = q_x (M, K) u8 · weight (K, N) s8, exact where the kernel is (see the header).
void int8_matmul(const uint8_t* q_x, const torch::Tensor& weight, int64_t M, int32_t* acc) {
  using dt = dnnl::memory::data_type;
  using tag = dnnl::memory::format_tag;
  const int64_t K = weight.size(0);
  const int64_t N = weight.size(1);
  const dnnl::memory::desc src_md({M, K}, dt::u8, tag::ab);
  const dnnl::memory::desc weight_md({K, N}, dt::s8, tag::ab);
  const dnnl::memory::desc dst_md({M, N}, dt::s32, tag::ab);
  // A new M is a new primitive; oneDNN's primitive cache makes a repeated shape a lookup.
  const dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(src_md, weight_md, dst_md), cpu_engine());
  const dnnl::matmul matmul(pd);
  const dnnl::engine& engine = cpu_engine();
  dnnl::stream stream(engine);
  matmul.execute(stream, {{DNNL_ARG_SRC, dnnl::memory(src_md, engine, const_cast<uint8_t*>(q_x))},
                          {DNNL_ARG_WEIGHTS, dnnl::memory(weight_md, engine, weight.data_ptr())},
                          {DNNL_ARG_DST, dnnl::memory(dst_md, engine, acc)}});
  stream.wait();
}

// Fewer rows than this run on one thread.
constexpr int64_t kRowsPerTask = 32;
#endif

// The registered operator (so a traced graph records it): x (..., K) f32, weight (K, N) s8, weight_sums (N)
// s32 (Σ_k weight[k, n]), scales (N) f32, bias (N) f32, passes 1 or 2 (see Int8Linear) -> (..., N) f32.
torch::Tensor int8_linear_cpu(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& weight_sums,
                              const torch::Tensor& scales, const torch::Tensor& bias, int64_t passes) {
  W2V2_CHECK(weight.dim() == 2 && weight.scalar_type() == torch::kChar && weight.is_contiguous(),
             "int8_linear: weight must be (K, N) contiguous int8");
  W2V2_CHECK(passes == 1 || passes == 2, "int8_linear: activation passes must be 1 or 2; got ", passes);
  const int64_t K = weight.size(0);
  const int64_t N = weight.size(1);
  W2V2_CHECK(scales.numel() == N && bias.numel() == N && weight_sums.numel() == N &&
                 scales.scalar_type() == torch::kFloat32 && bias.scalar_type() == torch::kFloat32 &&
                 weight_sums.scalar_type() == torch::kInt && scales.is_contiguous() && bias.is_contiguous() &&
                 weight_sums.is_contiguous(),
             "int8_linear: scales, bias (float32) and weight sums (int32) must be (", N, ") and contiguous");
  W2V2_CHECK(x.dim() >= 1 && x.size(-1) == K && x.scalar_type() == torch::kFloat32,
             "int8_linear: input must be (..., ", K, ") float32; got ", x.sizes());
  std::vector<int64_t> out_sizes = x.sizes().vec();
  out_sizes.back() = N;
  const torch::Tensor rows = x.reshape({-1, K}).contiguous();  // (M, K)
  const int64_t M = rows.size(0);
  torch::Tensor out = torch::empty({M, N}, torch::kFloat32);  // (M, N)
  if (M == 0) return out.view(out_sizes);
#ifdef W2V2_HAVE_DNNL
  // LibTorch's thread count for this thread's OpenMP team (at::parallel_for's, and oneDNN's when it runs
  // outside one, for fewer than kRowsPerTask rows).
  at::internal::lazy_init_num_threads();
  // Each row (frame) is quantized on its own range: a frame's result never depends on its batch-mates or on
  // padding, as in fp32, and a loud frame does not coarsen the others. With two passes, row m's two u8 rows are
  // rows passes · m and passes · m + 1 of the integer product, so one matmul call multiplies both.
  // Scratch of this call, from LibTorch's allocator like every other activation.
  const torch::Tensor q_x_tensor = torch::empty({M * passes, K}, torch::kByte);  // (M · passes, K)
  const torch::Tensor acc_tensor = torch::empty({M * passes, N}, torch::kInt);   // (M · passes, N)
  std::vector<ActivationQuantization> row_q(static_cast<size_t>(M));              // (M)
  uint8_t* q_x = q_x_tensor.data_ptr<uint8_t>();
  int32_t* acc = acc_tensor.data_ptr<int32_t>();
  const float* src = rows.data_ptr<float>();
  float* dst = out.data_ptr<float>();
  const int32_t* sums = weight_sums.data_ptr<int32_t>();
  const float* s = scales.data_ptr<float>();
  const float* b = bias.data_ptr<float>();
  // One parallel region per call, each thread on its own rows: quantize, multiply (oneDNN runs sequentially
  // inside a parallel region), dequantize. Separate regions per step cost a barrier each, which a busy
  // machine turns into milliseconds.
  at::parallel_for(0, M, kRowsPerTask, [&](int64_t begin, int64_t end) {
    for (int64_t m = begin; m < end; ++m) {
      const Range r = range_of(src + m * K, K);
      ActivationQuantization& a = row_q[static_cast<size_t>(m)];
      uint8_t* q = q_x + m * passes * K;
      if (!r.finite) {  // a NaN output row, which the decoder reports for its utterance (as fp32 would)
        a = ActivationQuantization{std::numeric_limits<float>::quiet_NaN(), 0};
        std::memset(q, 0, static_cast<size_t>(passes * K));
        continue;
      }
      a = ActivationQuantization::for_range(r.min, r.max);
      quantize(src + m * K, K, a.scale, static_cast<float>(a.zero_point), q);
      if (passes == 2) quantize_residual(src + m * K, q, K, a.scale, static_cast<float>(a.zero_point), q + K);
    }
    int8_matmul(q_x + begin * passes * K, weight, (end - begin) * passes, acc + begin * passes * N);
    for (int64_t m = begin; m < end; ++m) {
      const ActivationQuantization& a = row_q[static_cast<size_t>(m)];
      const int32_t* row_acc = acc + m * passes * N;
      if (passes == 2) {
        dequantize_two_pass_row(row_acc, row_acc + N, N, a.scale, a.zero_point, sums, s, b, dst + m * N);
      } else {
        dequantize_row(row_acc, N, a.scale, a.zero_point, sums, s, b, dst + m * N);
      }
    }
  });
  return out.view(out_sizes);
#else
  throw ConfigError(kNoOneDnn);
#endif
}

TORCH_LIBRARY(w2v2, m) { m.def("int8_linear(Tensor x, Tensor weight, Tensor weight_sums, Tensor scales, Tensor bias, int passes) -> Tensor"); }
TORCH_LIBRARY_IMPL(w2v2, CPU, m) { m.impl("int8_linear", TORCH_FN(int8_linear_cpu)); }

}  // namespace

ActivationQuantization ActivationQuantization::for_range(float min, float max) {
  min = std::min(min, 0.0f);
  max = std::max(max, 0.0f);
  if (!(max > min)) return ActivationQuantization{};
  // A floor keeps scale · weight scale (the output scale) and bias / output scale inside float's range.
  const float scale = std::max((max - min) / 255.0f, 1e-30f);
  const auto zero_point = static_cast<int32_t>(std::clamp(std::nearbyint(-min / scale), 0.0f, 255.0f));
  return ActivationQuantization{scale, zero_point};
}

Int8Linear::Int8Linear(const torch::Tensor& weight, const torch::Tensor& bias, int weight_bits, int activation_bits,
                       const std::string& name)
    : weight_bits_(weight_bits), activation_bits_(activation_bits) {
  W2V2_CHECK_AS(ConfigError, available(), kNoOneDnn);
  W2V2_CHECK(weight_bits == 7 || weight_bits == 8, "int8 weight bits must be 7 or 8; got ", weight_bits);
  W2V2_CHECK(activation_bits == 8 || activation_bits == 16, "int8 activation bits must be 8 or 16; got ",
             activation_bits);
  W2V2_CHECK(weight.dim() == 2 && weight.scalar_type() == torch::kFloat32, "Int8Linear: weight must be (N, K) float32");
  const int64_t N = weight.size(0);
  const std::string layer = name.empty() ? "a layer" : name;
  // |Σ_k q_x q_w| ≤ 255 · 127 · K must fit the kernel's int32 sums.
  W2V2_CHECK_AS(ConfigError, weight.size(1) <= kMaxInputFeatures, "int8: ", layer, " has ",
                weight.size(1), " inputs; int8's 32-bit sums allow at most ", kMaxInputFeatures, " (use fp32)");
  W2V2_CHECK(!bias.defined() || (bias.dim() == 1 && bias.size(0) == N), "Int8Linear: bias must be (", N, ")");
  torch::NoGradGuard no_grad;
  W2V2_CHECK_AS(ModelLoadError, torch::isfinite(weight).all().item<bool>(), "int8: ", layer,
                " has non-finite weights (NaN or infinity); the checkpoint is broken");
  const double bound = (1 << (weight_bits - 1)) - 1;  // 127 or 63
  const torch::Tensor w = weight.to(torch::kCPU);
  torch::Tensor scales = w.abs().amax(1) / bound;  // (N)
  scales = torch::where(scales > 0, scales, torch::ones_like(scales));
  weight_ = torch::round(w / scales.unsqueeze(1)).clamp(-bound, bound).to(torch::kChar).t().contiguous();  // (K, N)
  weight_sums_ = weight_.sum(0, /*keepdim=*/false, torch::kInt).contiguous();  // (N)
  scales_ = scales.contiguous();
  bias_ = bias.defined() ? bias.to(torch::kCPU, torch::kFloat32).contiguous() : torch::zeros({N});
}

torch::Tensor Int8Linear::operator()(const torch::Tensor& x) const {
  W2V2_CHECK(defined(), "Int8Linear: not initialized");
  static const auto op = c10::Dispatcher::singleton()
                             .findSchemaOrThrow("w2v2::int8_linear", "")
                             .typed<torch::Tensor(const torch::Tensor&, const torch::Tensor&, const torch::Tensor&,
                                                  const torch::Tensor&, const torch::Tensor&, int64_t)>();
  return op.call(x, weight_, weight_sums_, scales_, bias_, activation_bits_ == 16 ? 2 : 1);
}

int64_t Int8Linear::bytes() const {
  if (!defined()) return 0;
  return weight_.numel() + (weight_sums_.numel() + scales_.numel() + bias_.numel()) * static_cast<int64_t>(sizeof(float));
}

bool Int8Linear::available() {
#ifdef W2V2_HAVE_DNNL
  return true;
#else
  return false;
#endif
}

bool Int8Linear::cpu_has_vnni() {
#ifdef W2V2_HAVE_DNNL
  switch (dnnl::get_effective_cpu_isa()) {
    case dnnl::cpu_isa::avx2_vnni:
    case dnnl::cpu_isa::avx512_core_vnni:
    case dnnl::cpu_isa::avx512_core_bf16:
    case dnnl::cpu_isa::avx512_core_amx:
      return true;
    default:
      return false;
  }
#else
  return false;
#endif
}

int Int8Linear::exact_weight_bits() { return cpu_has_vnni() ? 8 : 7; }

}  // namespace w2v2
