// Float precisions other than fp32: bf16 (CPU and CUDA), fp16 and tf32 (CUDA). The weights cast once at load,
// with the norms, the first convolution and the CTC head kept float32; and whole fixture models against
// float32: close alone, padding-invariant in a zero-padded batch, and the same eager and graph-captured.
// The CUDA cases skip with the reason where this build has no CUDA or no GPU is visible.
#include <gtest/gtest.h>
#include <torch/cuda.h>
#include <torch/torch.h>

#include <ostream>
#include <string>
#include <vector>

#include "checkpoint/model_directory.h"
#include "common/error.h"
#include "model/checkpoint_reader.h"
#include "model/wav2vec2_weights.h"
#include "parity_helpers.h"
#include "runtime/cuda_batch_runner.h"
#include "runtime/inference_engine.h"
#include "support/test_support.h"

namespace w2v2 {
namespace {

using test::load_normalized;
using test::max_abs_diff;

Wav2Vec2Weights fixture_weights(const std::string& name) {
  const ModelDirectory model = ModelDirectory::open(test::fixture("models/" + name));
  return Wav2Vec2Weights::from_state_dict(model.config, read_checkpoint(model), model.weights_path);
}

TEST(ReducedPrecisionWeights, ProductsCastNormsFirstConvAndHeadStayFloat32) {
  for (const std::string name : {"tiny-group-st", "tiny-layer-st"}) {
    for (const torch::ScalarType type : {torch::kBFloat16, torch::kHalf}) {
      Wav2Vec2Weights w = fixture_weights(name);
      EXPECT_EQ(w.product_type, torch::kFloat32);
      w.cast_products(type);
      EXPECT_EQ(w.product_type, type);
      EXPECT_EQ(w.conv_layers[0].weight.scalar_type(), torch::kFloat32) << name;
      for (size_t i = 1; i < w.conv_layers.size(); ++i) EXPECT_EQ(w.conv_layers[i].weight.scalar_type(), type) << i;
      for (const ConvLayerWeights& c : w.conv_layers) {
        if (c.norm_weight.defined()) {
          EXPECT_EQ(c.norm_weight.scalar_type(), torch::kFloat32) << name;
        }
      }
      EXPECT_EQ(w.projection_weight.scalar_type(), type);
      EXPECT_EQ(w.pos_conv_weight.scalar_type(), type);
      EXPECT_EQ(w.projection_norm_weight.scalar_type(), torch::kFloat32);
      EXPECT_EQ(w.encoder_norm_weight.scalar_type(), torch::kFloat32);
      for (const EncoderLayerWeights& l : w.layers) {
        for (const torch::Tensor* t : {&l.qkv_weight, &l.qkv_bias, &l.out_weight, &l.ff_in_weight, &l.ff_out_bias}) {
          EXPECT_EQ(t->scalar_type(), type);
        }
        EXPECT_EQ(l.attn_norm_weight.scalar_type(), torch::kFloat32);
        EXPECT_EQ(l.final_norm_bias.scalar_type(), torch::kFloat32);
      }
      EXPECT_EQ(w.lm_head_weight.scalar_type(), torch::kFloat32);
      EXPECT_EQ(w.lm_head_bias.scalar_type(), torch::kFloat32);
    }
  }
  Wav2Vec2Weights w = fixture_weights("tiny-layer-st");
  EXPECT_THROW(w.cast_products(torch::kFloat64), ConfigError);
  EXPECT_EQ(w.product_type, torch::kFloat32);
}

// A precision on a device, with how close it stays to float32 on the fixture models (random weights, so the
// logits are small and near-tied more often than a trained model's).
struct PrecisionCase {
  std::string device;     // "cpu" or "cuda"
  Precision precision;
  double max_relative_error;   // mean |x − fp32| / mean |fp32| per utterance
  double min_argmax_agreement;  // share of frames with fp32's best unit
  std::string name() const { return device + "_" + to_string(precision); }
};

void PrintTo(const PrecisionCase& c, std::ostream* os) { *os << c.name(); }  // for gtest's messages and CTest

class ReducedPrecision : public ::testing::TestWithParam<PrecisionCase> {
 protected:
  void SetUp() override {
    if (GetParam().device == "cuda") {
      if (!CudaBatchRunner::built()) GTEST_SKIP() << "this build has no CUDA runtime (LibTorch without CUDA)";
      if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device is visible";
    }
  }
  RuntimeConfig runtime(Precision precision, bool graph) const {
    RuntimeConfig r;
    r.device = Device::parse(GetParam().device);
    r.precision = precision;
    r.graph = graph;
    r.graph_bucket_samples = 4000;
    return r;
  }
};

// Alone, each parity signal stays close to the float32 logits; in one zero-padded batch and replayed from a
// captured graph it gives what it gives alone, up to the precision's own rounding (well under its distance from
// float32), and graph replays of the same shape with other lengths still do.
TEST_P(ReducedPrecision, CloseToFp32AlonePaddedAndCaptured) {
  const PrecisionCase& c = GetParam();
  std::vector<std::vector<float>> in;
  for (const auto& s : test::kParitySignals) in.push_back(load_normalized(s));
  for (const std::string name : {"tiny-group-st", "tiny-layer-st"}) {
    const ModelDirectory model = ModelDirectory::open(test::fixture("models/" + name));
    const InferenceEngine fp32(model, runtime(Precision::kFp32, false));
    const InferenceEngine eager(model, runtime(c.precision, false));
    const InferenceEngine captured(model, runtime(c.precision, true));
    EXPECT_EQ(eager.precision(), to_string(c.precision));
    std::vector<UtteranceLogits> alone;
    for (size_t i = 0; i < in.size(); ++i) {
      const UtteranceLogits reference = fp32.run({&in[i]})[0];
      alone.push_back(eager.run({&in[i]})[0]);
      const test::LogitsAgreement agreement = test::compare_logits(alone[i], reference);
      EXPECT_LE(agreement.relative_error, c.max_relative_error) << name << " " << test::kParitySignals[i];
      EXPECT_GE(agreement.argmax_agreement, c.min_argmax_agreement) << name << " " << test::kParitySignals[i];
      EXPECT_GT(agreement.relative_error, 0.0) << name << ": no different from float32, so not run in " << c.name();
    }
    const double rounding = c.max_relative_error / 4;  // padded or replayed vs alone, relative to fp32's logits
    auto expect_as_alone = [&](const std::vector<UtteranceLogits>& got, const std::vector<size_t>& order,
                               const std::string& what) {
      ASSERT_EQ(got.size(), order.size());
      for (size_t k = 0; k < order.size(); ++k) {
        EXPECT_LE(test::compare_logits(got[k], alone[order[k]]).relative_error, rounding)
            << name << " " << what << " " << test::kParitySignals[order[k]];
      }
    };
    expect_as_alone(eager.run({&in[1], &in[0], &in[2]}), {1, 0, 2}, "padded");  // sig_b shortest, sig_a longest
    for (int round = 0; round < 2; ++round) {  // captured in round 0, replayed in round 1
      expect_as_alone(captured.run({&in[1], &in[0], &in[2]}), {1, 0, 2}, "captured");
      expect_as_alone(captured.run({&in[2], &in[1], &in[0]}), {2, 1, 0}, "replayed with other lengths");
    }
  }
}

// Two batches in flight (submitted before either is collected, collected out of order) each get their own
// logits, as when run one at a time: the pipeline's overlap holds in every precision.
TEST_P(ReducedPrecision, TwoBatchesInFlightEachGetTheirOwnLogits) {
  std::vector<std::vector<float>> in;
  for (const auto& s : test::kParitySignals) in.push_back(load_normalized(s));
  const ModelDirectory model = ModelDirectory::open(test::fixture("models/tiny-group-st"));
  for (bool graph : {false, true}) {
    const InferenceEngine engine(model, runtime(GetParam().precision, graph));
    const auto expected_a = engine.run({&in[0], &in[2]});
    const auto expected_b = engine.run({&in[1]});
    auto a = engine.submit({&in[0], &in[2]});
    auto b = engine.submit({&in[1]});
    const auto got_b = b->wait();
    const auto got_a = a->wait();
    ASSERT_EQ(got_a.size(), 2u);
    ASSERT_EQ(got_b.size(), 1u);
    EXPECT_EQ(max_abs_diff(got_a[0], expected_a[0]), 0.0) << "graph " << graph;
    EXPECT_EQ(max_abs_diff(got_a[1], expected_a[1]), 0.0) << "graph " << graph;
    EXPECT_EQ(max_abs_diff(got_b[0], expected_b[0]), 0.0) << "graph " << graph;
  }
}

// The logits always come back float32 with the model's frames, and a too-short input still gives no frames.
TEST_P(ReducedPrecision, TooShortInputsGiveZeroFrames) {
  const ModelDirectory model = ModelDirectory::open(test::fixture("models/tiny-layer-st"));
  const InferenceEngine engine(model, runtime(GetParam().precision, false));
  const std::vector<float> tiny(5, 0.1f);
  const auto ok = load_normalized("sig_b");
  const auto out = engine.run({&tiny, &ok});
  EXPECT_EQ(out[0].frames, 0);
  const auto fp32 = InferenceEngine(model, runtime(Precision::kFp32, false)).run({&ok});
  EXPECT_EQ(out[1].frames, fp32[0].frames);
  EXPECT_EQ(out[1].data.size(), fp32[0].data.size());
}

INSTANTIATE_TEST_SUITE_P(Precisions, ReducedPrecision,
                         ::testing::Values(PrecisionCase{"cpu", Precision::kBf16, 0.03, 0.9},
                                           PrecisionCase{"cuda", Precision::kBf16, 0.03, 0.9},
                                           PrecisionCase{"cuda", Precision::kFp16, 0.005, 0.97},
                                           PrecisionCase{"cuda", Precision::kTf32, 0.005, 0.97}),
                         [](const ::testing::TestParamInfo<PrecisionCase>& info) { return info.param.name(); });

}  // namespace
}  // namespace w2v2
