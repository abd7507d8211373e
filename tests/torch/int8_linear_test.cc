// int8 inference: the activation quantization by hand, Int8Linear against a float64 reference of the same
// quantized math (exact where the CPU's kernel is integer-exact, bounded where 8-bit weights saturate without
// VNNI), traced graphs that record the operator, and whole models in int8 against fp32.
// CTest also runs these with DNNL_MAX_CPU_ISA=AVX2 (torch.int8_avx2), the kernel of CPUs without VNNI.
#include <gtest/gtest.h>
#include <torch/csrc/jit/frontend/tracer.h>
#include <torch/torch.h>
#include <ATen/Parallel.h>

#include <cmath>
#include <iostream>
#include <string>
#include <vector>

#include "checkpoint/model_directory.h"
#include "common/error.h"
#include "model/int8_linear.h"
#include "parity_helpers.h"
#include "runtime/inference_engine.h"
#include "support/test_support.h"

namespace w2v2 {
namespace {

#define SKIP_WITHOUT_ONEDNN() \
  if (!Int8Linear::available()) GTEST_SKIP() << "this build has no oneDNN (libdnnl-dev): int8 is refused"

TEST(ActivationQuantization, RangeWidenedToZeroByHand) {
  ActivationQuantization a = ActivationQuantization::for_range(-1.0f, 3.0f);
  EXPECT_FLOAT_EQ(a.scale, 4.0f / 255.0f);
  EXPECT_EQ(a.zero_point, 64);  // round(1 / (4 / 255)) = round(63.75)
  a = ActivationQuantization::for_range(2.0f, 5.0f);  // widened to [0, 5]
  EXPECT_FLOAT_EQ(a.scale, 5.0f / 255.0f);
  EXPECT_EQ(a.zero_point, 0);
  a = ActivationQuantization::for_range(-3.0f, -1.0f);  // widened to [-3, 0]
  EXPECT_FLOAT_EQ(a.scale, 3.0f / 255.0f);
  EXPECT_EQ(a.zero_point, 255);
  a = ActivationQuantization::for_range(0.0f, 0.0f);  // all zeros
  EXPECT_EQ(a.scale, 1.0f);
  EXPECT_EQ(a.zero_point, 0);
}

TEST(Int8Linear, WeightsQuantizedPerOutputChannelByHand) {
  SKIP_WITHOUT_ONEDNN();
  const torch::Tensor w = torch::tensor({1.0f, -0.5f, 0.25f, 0.0f, 0.0f, 0.0f, -2.0f, 1.0f, 0.5f}).view({3, 3});
  const Int8Linear layer(w, torch::Tensor(), 8);
  const torch::Tensor expected_scales = torch::tensor({1.0f / 127, 1.0f, 2.0f / 127});
  EXPECT_TRUE(torch::allclose(layer.scales(), expected_scales));
  // Rows: 1 -> 127, -0.5 -> round(-63.5) = -64 (half to even), 0.25 -> round(31.75) = 32; a zero row stays 0.
  const torch::Tensor expected = torch::tensor({127, -64, 32, 0, 0, 0, -127, 64, 32}, torch::kChar).view({3, 3}).t();
  EXPECT_TRUE(torch::equal(layer.weight(), expected)) << layer.weight();
  EXPECT_TRUE(torch::equal(layer.bias(), torch::zeros({3})));
  const Int8Linear seven(w, torch::Tensor(), 7);  // |q| <= 63
  EXPECT_EQ(seven.weight().abs().max().item<int>(), 63);
  EXPECT_EQ(seven.bytes(), 9 + 9 * 4);  // weights, and per channel: sum, scale, bias
}

// The same quantized math in float64: s_m · scale_n · Σ_k (q_x − z_m) q_w + b, from the layer's own quantized
// weights and each row's activation quantization. `saturate16`: as the AVX2 kernel sums, each pair of products
// q_x[2j] q_w[2j] + q_x[2j+1] q_w[2j+1] of the raw u8 activations clamped to int16 (vpmaddubsw).
torch::Tensor reference(const Int8Linear& layer, const torch::Tensor& x, bool saturate16 = false) {
  const int64_t M = x.size(0);
  torch::Tensor out = torch::empty({M, layer.weight().size(1)}, torch::kFloat64);
  for (int64_t m = 0; m < M; ++m) {
    const torch::Tensor row = x[m];
    const ActivationQuantization a =
        ActivationQuantization::for_range(row.min().item<float>(), row.max().item<float>());
    const torch::Tensor q = (torch::round(row / a.scale) + a.zero_point).clamp(0, 255).to(torch::kFloat64);
    const torch::Tensor w = layer.weight().to(torch::kFloat64);  // (K, N)
    torch::Tensor acc = torch::matmul(q - a.zero_point, w);       // (N)
    if (saturate16) {
      const int64_t K = w.size(0);
      torch::Tensor products = q.unsqueeze(1) * w;  // (K, N)
      if (K % 2) products = torch::cat({products, torch::zeros({1, w.size(1)}, products.options())}, 0);
      const torch::Tensor pairs = products.view({-1, 2, w.size(1)}).sum(1);  // (ceil(K / 2), N)
      acc = pairs.clamp(-32768, 32767).sum(0) - a.zero_point * w.sum(0);
    }
    out[m] = acc * (static_cast<double>(a.scale) * layer.scales().to(torch::kFloat64)) +
             layer.bias().to(torch::kFloat64);
  }
  return out;
}

struct Shape {
  int64_t M, K, N;
};
// M = 1, K not a multiple of the kernel's blocks, N = 1, and wav2vec2-base-like widths.
const std::vector<Shape> kShapes{{1, 1, 1},    {1, 5, 3},     {3, 7, 2},     {17, 37, 11},  {64, 100, 64},
                                 {5, 769, 33}, {50, 768, 96}, {129, 192, 576}, {1, 3072, 768}, {33, 64, 2304}};

TEST(Int8Linear, ExactIntegerMathAtTheWeightBitsThisCpuMultipliesExactly) {
  SKIP_WITHOUT_ONEDNN();
  torch::manual_seed(7);
  for (const Shape& s : kShapes) {
    const torch::Tensor w = torch::randn({s.N, s.K}) * 0.05;
    const torch::Tensor b = torch::randn({s.N});
    const torch::Tensor x = torch::randn({s.M, s.K}) * 2 + 0.3;
    const Int8Linear layer(w, b, Int8Linear::exact_weight_bits());
    const torch::Tensor y = layer(x);
    ASSERT_EQ(y.sizes(), (std::vector<int64_t>{s.M, s.N}));
    const torch::Tensor ref = reference(layer, x);
    // Float rounding only: the integer sums are exact, the scales and bias apply in float32.
    const double scale = ref.abs().max().item<double>() + 1.0;
    EXPECT_LE((y.to(torch::kFloat64) - ref).abs().max().item<double>(), 2e-6 * scale)
        << "M " << s.M << " K " << s.K << " N " << s.N << " bits " << Int8Linear::exact_weight_bits();
  }
}

// 8-bit weights: exact with VNNI. Without it (the AVX2 kernel), sums of two u8 × s8 products saturate at 16 bits:
// the result is then exactly the saturating sum, and on random data far from the float layer — why 7-bit weights
// are the default there.
TEST(Int8Linear, EightBitWeightsExactWithVnniSaturatingWithout) {
  SKIP_WITHOUT_ONEDNN();
  torch::manual_seed(11);
  double worst_saturated = 0;
  for (const Shape& s : kShapes) {
    const torch::Tensor w = torch::randn({s.N, s.K}) * 0.05;
    const torch::Tensor b = torch::randn({s.N}) * 0.1;
    const torch::Tensor x = torch::randn({s.M, s.K});
    const Int8Linear layer(w, b, 8);
    const torch::Tensor y = layer(x).to(torch::kFloat64);
    const bool vnni = Int8Linear::cpu_has_vnni();
    const torch::Tensor ref = reference(layer, x, /*saturate16=*/!vnni);
    EXPECT_LE((y - ref).abs().max().item<double>(), 2e-6 * (ref.abs().max().item<double>() + 1.0))
        << "K " << s.K << " N " << s.N << (vnni ? " (VNNI)" : " (AVX2, saturating)");
    const torch::Tensor exact = torch::linear(x, w, b).to(torch::kFloat64);
    const double rel = ((y - exact).pow(2).mean().sqrt() / (exact.pow(2).mean().sqrt() + 1e-3)).item<double>();
    if (vnni) {
      EXPECT_LE(rel, 0.05) << "int8 vs float, K " << s.K << " N " << s.N;
    }
    worst_saturated = std::max(worst_saturated, rel);
  }
  if (!Int8Linear::cpu_has_vnni()) std::cout << "8-bit weights without VNNI: worst rms error vs float " << worst_saturated << "\n";
}

// 16-bit activations: the second pass quantizes the first one's rounding error (within ±s_m / 2) in steps of
// s_m / 254, so what is left of the activations' rounding is at most s_m / 508 per input. Against the float
// layer with the quantized weights, x Q(W)ᵀ + b, the result is then within (s_m / 508) · Σ_k |Q(W)[n, k]| per
// output (plus float rounding), and far closer than 8-bit activations get.
TEST(Int8Linear, SixteenBitActivationsLeaveOnlyTheWeightsRounding) {
  SKIP_WITHOUT_ONEDNN();
  torch::manual_seed(13);
  const int bits = Int8Linear::exact_weight_bits();
  double error8 = 0, error16 = 0;
  for (const Shape& s : kShapes) {
    const torch::Tensor w = torch::randn({s.N, s.K}) * 0.05;
    const torch::Tensor b = torch::randn({s.N});
    const torch::Tensor x = torch::randn({s.M, s.K}) * 2 + 0.3;
    const Int8Linear eight(w, b, bits, 8);
    const Int8Linear sixteen(w, b, bits, 16);
    EXPECT_EQ(sixteen.activation_bits(), 16);
    EXPECT_TRUE(torch::equal(sixteen.weight(), eight.weight()));
    const torch::Tensor q_w = (sixteen.weight().t().to(torch::kFloat64) *
                               sixteen.scales().to(torch::kFloat64).unsqueeze(1));  // (N, K) Q(W)
    const torch::Tensor x64 = x.to(torch::kFloat64);
    const torch::Tensor ref = torch::matmul(x64, q_w.t()) + b.to(torch::kFloat64);  // (M, N)
    const torch::Tensor y16 = sixteen(x).to(torch::kFloat64);
    const torch::Tensor y8 = eight(x).to(torch::kFloat64);
    // Each row's step s_m = (max(x, 0) − min(x, 0)) / 255 (ActivationQuantization::for_range).
    const torch::Tensor step = (std::get<0>(x64.max(1)).clamp_min(0) - std::get<0>(x64.min(1)).clamp_max(0)) / 255;
    const torch::Tensor bound = (step / 508).unsqueeze(1) * q_w.abs().sum(1).unsqueeze(0) +
                                1e-5 * (ref.abs() + 1);  // (M, N)
    EXPECT_TRUE(((y16 - ref).abs() <= bound).all().item<bool>())
        << "M " << s.M << " K " << s.K << " N " << s.N << ": worst excess "
        << ((y16 - ref).abs() - bound).max().item<double>();
    error8 = std::max(error8, (y8 - ref).abs().max().item<double>());
    error16 = std::max(error16, (y16 - ref).abs().max().item<double>());
  }
  EXPECT_LT(error16 * 50, error8) << "16-bit " << error16 << ", 8-bit " << error8;
}

TEST(Int8Linear, KeepsLeadingDimensionsAndEmptyInputs) {
  SKIP_WITHOUT_ONEDNN();
  const Int8Linear layer(torch::randn({6, 4}), torch::randn({6}), 7);
  const torch::Tensor x = torch::randn({2, 3, 4});
  const torch::Tensor y = layer(x);
  EXPECT_EQ(y.sizes(), (std::vector<int64_t>{2, 3, 6}));
  EXPECT_TRUE(torch::allclose(y.view({6, 6}), layer(x.view({6, 4}))));
  EXPECT_EQ(layer(torch::zeros({0, 4})).sizes(), (std::vector<int64_t>{0, 6}));
  // An all-zero input is exact: the bias.
  EXPECT_TRUE(torch::allclose(layer(torch::zeros({3, 4})), layer.bias().expand({3, 6})));
}

// A non-finite activation gives its own row NaN (the decoder fails that utterance); other rows are untouched.
TEST(Int8Linear, NonFiniteActivationsGiveTheirRowNaN) {
  SKIP_WITHOUT_ONEDNN();
  for (int activation_bits : {8, 16}) {
    const Int8Linear layer(torch::randn({5, 8}), torch::Tensor(), 7, activation_bits);
    for (float bad : {NAN, INFINITY, -INFINITY}) {
      torch::Tensor x = torch::randn({4, 8});
      const torch::Tensor clean = layer(x);
      x[2][3] = bad;
      const torch::Tensor y = layer(x);
      EXPECT_TRUE(y[2].isnan().all().item<bool>()) << bad << " " << activation_bits;
      for (int m : {0, 1, 3}) EXPECT_TRUE(torch::equal(y[m], clean[m])) << bad << " row " << m << " " << activation_bits;
    }
  }
}

// Each row is quantized on its own: a row's result does not depend on the other rows (batch-mates, padding).
TEST(Int8Linear, RowsAreIndependent) {
  SKIP_WITHOUT_ONEDNN();
  for (int activation_bits : {8, 16}) {
    const Int8Linear layer(torch::randn({16, 32}) * 0.1, torch::randn({16}), Int8Linear::exact_weight_bits(),
                           activation_bits);
    const torch::Tensor x = torch::randn({6, 32});
    const torch::Tensor loud = torch::cat({x, torch::randn({3, 32}) * 100}, 0);  // a loud "batch-mate"
    EXPECT_TRUE(torch::equal(layer(loud).narrow(0, 0, 6), layer(x))) << activation_bits;
    EXPECT_TRUE(torch::equal(layer(x.narrow(0, 2, 1)), layer(x).narrow(0, 2, 1))) << activation_bits;
  }
}

TEST(Int8Linear, RefusesBadShapesAndBits) {
  SKIP_WITHOUT_ONEDNN();
  EXPECT_THROW(Int8Linear(torch::randn({3, 4}), torch::Tensor(), 6), Error);
  EXPECT_THROW(Int8Linear(torch::randn({3, 4}), torch::Tensor(), 8, 12), Error);
  EXPECT_THROW(Int8Linear(torch::randn({3, 4}), torch::randn({4}), 8), Error);
  EXPECT_THROW(Int8Linear(torch::zeros({1, 65537}), torch::Tensor(), 8), ConfigError);  // int32 sums could overflow
  const Int8Linear layer(torch::randn({3, 4}), torch::Tensor(), 8);
  EXPECT_THROW(layer(torch::randn({2, 5})), Error);
  torch::Tensor broken = torch::randn({3, 4});
  broken[1][2] = NAN;
  try {
    Int8Linear(broken, torch::Tensor(), 8, 8, "encoder.layers.3.attention.out_proj");
    FAIL() << "NaN weights were quantized";
  } catch (const ModelLoadError& e) {
    EXPECT_NE(std::string(e.what()).find("encoder.layers.3.attention.out_proj has non-finite"), std::string::npos)
        << e.what();
  }
}

// The thread count changes which thread does which rows, never a result: integer sums and per-row scales.
TEST(Int8Linear, SameResultsAtAnyThreadCount) {
  SKIP_WITHOUT_ONEDNN();
  const int threads = at::get_num_threads();
  for (int activation_bits : {8, 16}) {
    const Int8Linear layer(torch::randn({96, 64}) * 0.1, torch::randn({96}), Int8Linear::exact_weight_bits(),
                           activation_bits);
    const torch::Tensor x = torch::randn({300, 64});
    at::set_num_threads(1);
    const torch::Tensor one = layer(x);
    at::set_num_threads(2);
    const torch::Tensor two = layer(x);
    at::set_num_threads(threads);
    EXPECT_TRUE(torch::equal(one, two)) << activation_bits;
  }
}

// A traced graph records the operator (not its output as a constant): two inputs through one trace.
TEST(Int8Linear, TracedGraphsRecordTheOperator) {
  SKIP_WITHOUT_ONEDNN();
  const Int8Linear layer(torch::randn({8, 16}), torch::randn({8}), 7, 16);
  torch::NoGradGuard no_grad;
  auto traced = torch::jit::tracer::trace(
      {torch::randn({5, 16})},
      [&layer](torch::jit::Stack in) -> torch::jit::Stack { return {layer(in[0].toTensor())}; },
      [](const torch::autograd::Variable&) { return std::string(); }, /*strict=*/false);
  const std::string graph = traced.first->graph->toString();
  EXPECT_NE(graph.find("w2v2::int8_linear"), std::string::npos) << graph;
  torch::jit::GraphFunction function("int8", traced.first->graph, nullptr);
  for (int i = 0; i < 2; ++i) {
    const torch::Tensor x = torch::randn({5, 16});
    torch::jit::Stack stack{x};
    function.run(stack);
    EXPECT_TRUE(torch::equal(stack.front().toTensor(), layer(x))) << "input " << i;
  }
}

RuntimeConfig int8_runtime(bool graph, int ff_activation_bits = 0) {
  RuntimeConfig runtime;
  runtime.precision = Precision::kInt8;
  runtime.graph = graph;
  runtime.int8_ff_activation_bits = ff_activation_bits;
  return runtime;
}

// The fixture models (random weights, both families): int8 logits within 6 % mean relative error of fp32 and
// the same best unit on 90 % of frames; eager and graph-captured int8 agree closely; 16-bit feed-forward
// activations (the default with VNNI) closer to fp32 than 8-bit ones.
TEST(Int8Engine, FixtureModelsStayCloseToFp32EagerAndCaptured) {
  SKIP_WITHOUT_ONEDNN();
  std::vector<std::vector<float>> in;
  for (const auto& s : test::kParitySignals) in.push_back(test::load_normalized(s));
  for (const std::string name : {"tiny-group-st", "tiny-layer-st"}) {
    const ModelDirectory model = ModelDirectory::open(test::fixture("models/" + name));
    const InferenceEngine fp32(model, RuntimeConfig{});
    const InferenceEngine eager(model, int8_runtime(false, 16));
    const InferenceEngine captured(model, int8_runtime(true, 16));
    const InferenceEngine narrow(model, int8_runtime(false, 8));
    EXPECT_EQ(fp32.precision(), "fp32");
    EXPECT_EQ(eager.precision().rfind("int8 (", 0), 0u) << eager.precision();
    EXPECT_NE(eager.precision().find("16-bit feed-forward activations"), std::string::npos) << eager.precision();
    double error16 = 0, error8 = 0;
    for (size_t i = 0; i < in.size(); ++i) {
      const auto reference = fp32.run({&in[i]});
      const auto a = eager.run({&in[i]});
      const auto b = captured.run({&in[i]});
      const test::LogitsAgreement agreement = test::compare_logits(a[0], reference[0]);
      EXPECT_LE(agreement.relative_error, 0.06) << name << " " << test::kParitySignals[i];
      EXPECT_GE(agreement.argmax_agreement, 0.9) << name << " " << test::kParitySignals[i];
      // A frozen graph fuses some float ops, so a layer's input may differ from eager's by a rounding; where that
      // crosses a quantization step the output moves by the step's share. With 16-bit feed-forward activations
      // the steps are 254 times finer, so that happens often and slightly (measured: at most 1.8e-4).
      EXPECT_LE(test::max_abs_diff(a[0], b[0]), 1e-3) << name << " graph vs eager";
      error16 += agreement.relative_error;
      error8 += test::compare_logits(narrow.run({&in[i]})[0], reference[0]).relative_error;
    }
    EXPECT_LT(error16, error8) << name;
    std::cout << name << ": mean relative error, 16-bit feed-forward activations " << error16 / in.size()
              << ", 8-bit " << error8 / in.size() << "\n";
  }
}

TEST(Int8Engine, RefusedOnCudaAndWhereOneDnnIsMissing) {
  RuntimeConfig runtime = int8_runtime(false);
  runtime.device = Device::cuda(0);
  try {
    runtime.validate();
    FAIL() << "int8 on CUDA was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("--precision int8 runs on the CPU only"), std::string::npos) << e.what();
  }
  runtime = int8_runtime(false);
  runtime.int8_weight_bits = 6;
  EXPECT_THROW(runtime.validate(), ConfigError);
  runtime.int8_weight_bits = 0;
  runtime.int8_ff_activation_bits = 12;
  EXPECT_THROW(runtime.validate(), ConfigError);
  if (!Int8Linear::available()) {
    EXPECT_THROW(InferenceEngine(ModelDirectory::open(test::fixture("models/tiny-layer-st")), int8_runtime(false)),
                 ConfigError);
  }
}

}  // namespace
}  // namespace w2v2
