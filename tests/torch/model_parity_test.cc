// Parity with the reference implementation (torchaudio 0.13, scripts/make_reference_fixtures.py):
// tiny random-weight checkpoints of both families, both file formats, both weight-norm namings.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "checkpoint/model_directory.h"
#include "runtime/inference_engine.h"
#include "support/test_support.h"
#include "parity_helpers.h"

namespace w2v2 {
namespace {

using test::load_normalized;
using test::max_abs_diff;
constexpr double kTolerance = test::kParityTolerance;
const std::vector<std::string>& kSignals = test::kParitySignals;

class ModelParity : public ::testing::TestWithParam<std::string> {
 protected:
  std::string family() const { return GetParam().substr(5, 5); }  // tiny-<group|layer>-<st|bin>
  NpyArray reference(const std::string& signal) const {
    return test::reference_logits(family(), signal);
  }
};

TEST_P(ModelParity, LogitsMatchTheReferenceAlone) {
  const ModelDirectory model = ModelDirectory::open(test::fixture("models/" + GetParam()));
  const InferenceEngine engine(model, RuntimeConfig{});
  for (const auto& signal : kSignals) {
    const std::vector<float> x = load_normalized(signal);
    const UtteranceLogits logits = engine.run({&x}).front();
    EXPECT_LE(max_abs_diff(logits, reference(signal)), kTolerance) << GetParam() << " " << signal;
  }
}

// Padding invariance: in a zero-padded batch every utterance gives its reference logits. For the
// group-norm family this needs the masked group norm of conv layer 0.
TEST_P(ModelParity, PaddedBatchMatchesTheReferenceOfEachUtterance) {
  const ModelDirectory model = ModelDirectory::open(test::fixture("models/" + GetParam()));
  const InferenceEngine engine(model, RuntimeConfig{});
  std::vector<std::vector<float>> inputs;
  for (const auto& signal : kSignals) inputs.push_back(load_normalized(signal));
  const auto outputs = engine.run({&inputs[1], &inputs[0], &inputs[2]});  // sig_b is shortest, sig_a longest
  ASSERT_EQ(outputs.size(), 3u);
  EXPECT_LE(max_abs_diff(outputs[0], reference("sig_b")), kTolerance);
  EXPECT_LE(max_abs_diff(outputs[1], reference("sig_a")), kTolerance);
  EXPECT_LE(max_abs_diff(outputs[2], reference("sig_c")), kTolerance);
}

// Graph capture: traced per (batch, bucketed length) shape and replayed; a replay with other lengths in the
// same shape must still give each utterance its reference logits.
TEST_P(ModelParity, CapturedGraphReplayMatchesTheReference) {
  const ModelDirectory model = ModelDirectory::open(test::fixture("models/" + GetParam()));
  RuntimeConfig runtime;
  runtime.graph = true;
  const InferenceEngine engine(model, runtime);
  std::vector<std::vector<float>> in;
  for (const auto& signal : kSignals) in.push_back(load_normalized(signal));
  for (int round = 0; round < 2; ++round) {
    const auto first = engine.run({&in[1], &in[0], &in[2]});
    EXPECT_LE(max_abs_diff(first[0], reference("sig_b")), kTolerance);
    EXPECT_LE(max_abs_diff(first[1], reference("sig_a")), kTolerance);
    EXPECT_LE(max_abs_diff(first[2], reference("sig_c")), kTolerance);
    const auto reordered = engine.run({&in[2], &in[1], &in[0]});  // same shape bucket, other lengths per row
    EXPECT_LE(max_abs_diff(reordered[0], reference("sig_c")), kTolerance);
    EXPECT_LE(max_abs_diff(reordered[1], reference("sig_b")), kTolerance);
    EXPECT_LE(max_abs_diff(reordered[2], reference("sig_a")), kTolerance);
  }
  const auto alone = engine.run({&in[1]});
  EXPECT_LE(max_abs_diff(alone[0], reference("sig_b")), kTolerance);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ModelParity,
                         ::testing::Values("tiny-group-st", "tiny-group-bin", "tiny-layer-st", "tiny-layer-bin"));

TEST(ModelParityEdges, TooShortInputGivesZeroFramesWithoutRunningTheModel) {
  const ModelDirectory model = ModelDirectory::open(test::fixture("models/tiny-group-st"));
  const InferenceEngine engine(model, RuntimeConfig{});
  const std::vector<float> tiny(5, 0.1f);
  const std::vector<float> empty;
  const std::vector<float> ok = load_normalized("sig_b");
  const auto out = engine.run({&tiny, &ok, &empty});
  EXPECT_EQ(out[0].frames, 0);
  EXPECT_EQ(out[2].frames, 0);
  EXPECT_EQ(out[1].frames, model.config.output_frames(static_cast<int64_t>(ok.size())));
}

}  // namespace
}  // namespace w2v2
