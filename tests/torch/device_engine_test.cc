// The engine's device handling: CPU asynchronous submission, device names, and on a GPU the CUDA runtime
// (pinned staging, non-blocking copies on its own stream, events, CUDA graphs) against the reference logits.
// The CUDA tests skip with the reason where this build has no CUDA or no GPU is visible; on a GPU machine
// scripts/device_check.sh runs them.
#include <gtest/gtest.h>
#include <torch/cuda.h>

#include <string>
#include <vector>

#include "common/error.h"
#include "checkpoint/model_directory.h"
#include "parity_helpers.h"
#include "runtime/cuda_batch_runner.h"
#include "runtime/inference_engine.h"
#include "support/test_support.h"

namespace w2v2 {
namespace {

using test::load_normalized;
using test::max_abs_diff;
using test::reference_logits;
constexpr double kTolerance = test::kParityTolerance;

std::vector<std::vector<float>> parity_signals() {
  std::vector<std::vector<float>> out;
  for (const auto& s : test::kParitySignals) out.push_back(load_normalized(s));
  return out;
}

TEST(DeviceNames, OnlyCpuCudaCudaNAndAutoAreValid) {
  for (const char* ok : {"cpu", "cuda", "cuda:0", "cuda:12", "auto"}) EXPECT_NO_THROW(Device::parse(ok)) << ok;
  for (const char* bad : {"", "gpu", "cuda:", "cuda:x", "cuda:-1", "CUDA", "cuda:1234", "cpu:0"}) {
    EXPECT_THROW(Device::parse(bad), ConfigError) << bad;
  }
  RuntimeConfig runtime;
  runtime.device = Device{Device::Kind::kCpu, 1};  // not a device parse() gives
  EXPECT_THROW(runtime.validate(), ConfigError);
}

TEST(DeviceNames, CudaIsRefusedClearlyWhereItCannotRun) {
  if (torch::cuda::is_available()) GTEST_SKIP() << "a GPU is visible here";
  const ModelDirectory model = ModelDirectory::open(test::fixture("models/tiny-group-st"));
  RuntimeConfig runtime;
  runtime.device = Device::parse("cuda");
  try {
    InferenceEngine engine(model, runtime);
    FAIL() << "a CUDA engine was created without a GPU";
  } catch (const ConfigError& e) {
    const std::string message = e.what();
    EXPECT_TRUE(message.find("no CUDA") != std::string::npos || message.find("no CUDA device is visible") != std::string::npos)
        << message;
  }
  runtime.device = Device::automatic();  // falls back to the CPU
  const InferenceEngine engine(model, runtime);
  EXPECT_EQ(engine.device_name(), "cpu");
  EXPECT_EQ(engine.device(), Device::cpu()) << "auto is resolved by the engine";
  EXPECT_FALSE(engine.device().is_gpu());
}

// On the CPU, submit() runs the batch before it returns; the result and its span are those of run().
TEST(CpuEngine, SubmitRunsTheBatchAndReportsWhenItRan) {
  const ModelDirectory model = ModelDirectory::open(test::fixture("models/tiny-layer-st"));
  const InferenceEngine engine(model, RuntimeConfig{});
  EXPECT_EQ(engine.max_in_flight(), 1);
  EXPECT_EQ(engine.device(), Device::cpu());
  const auto in = parity_signals();
  const auto before = std::chrono::steady_clock::now();
  auto pending = engine.submit({&in[0], &in[1]});
  const auto logits = pending->wait();
  ASSERT_EQ(logits.size(), 2u);
  EXPECT_LE(max_abs_diff(logits[0], reference_logits("layer", "sig_a")), kTolerance);
  EXPECT_LE(max_abs_diff(logits[1], reference_logits("layer", "sig_b")), kTolerance);
  const DeviceSpan span = pending->device_span();
  EXPECT_GE(span.start, before);
  EXPECT_GT(span.seconds(), 0.0);
  EXPECT_THROW(pending->wait(), std::exception);  // a result is collected once
}

// After freeze_graphs() no shape is captured any more; other shapes run eagerly with the same results.
void expect_frozen_graphs_run_other_shapes_eagerly(const InferenceEngine& engine, const std::string& family) {
  const auto in = parity_signals();
  const auto first = engine.run({&in[1]});  // captured
  EXPECT_EQ(engine.captured_graphs(), 1);
  engine.freeze_graphs();
  const auto batch = engine.run({&in[0], &in[1]});  // a new shape: eager
  EXPECT_EQ(engine.captured_graphs(), 1);
  EXPECT_LE(max_abs_diff(first[0], reference_logits(family, "sig_b")), kTolerance);
  EXPECT_LE(max_abs_diff(batch[0], reference_logits(family, "sig_a")), kTolerance);
  EXPECT_LE(max_abs_diff(batch[1], reference_logits(family, "sig_b")), kTolerance);
  const auto again = engine.run({&in[1]});  // the captured shape still replays
  EXPECT_LE(max_abs_diff(again[0], first[0]), 1e-6);
}

TEST(CpuEngine, FrozenGraphsRunOtherShapesEagerly) {
  RuntimeConfig runtime;
  runtime.graph = true;
  const InferenceEngine engine(ModelDirectory::open(test::fixture("models/tiny-group-st")), runtime);
  expect_frozen_graphs_run_other_shapes_eagerly(engine, "group");
}

class CudaEngine : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!CudaBatchRunner::built()) GTEST_SKIP() << "this build has no CUDA runtime (LibTorch without CUDA)";
    if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device is visible";
  }
  std::string family() const { return GetParam().substr(5, 5); }
  ModelDirectory model() const { return ModelDirectory::open(test::fixture("models/" + GetParam())); }
  static RuntimeConfig cuda(bool graph) {
    RuntimeConfig runtime;
    runtime.device = Device::parse("cuda");
    runtime.graph = graph;
    runtime.graph_bucket_samples = 4000;
    return runtime;
  }
};

// Alone and zero-padded in one batch, eager and replayed from CUDA graphs: each utterance gets the reference's
// logits (float32, TF32 off).
TEST_P(CudaEngine, EagerAndGraphMatchTheReferenceAloneAndPadded) {
  const auto in = parity_signals();
  for (bool graph : {false, true}) {
    const InferenceEngine engine(model(), cuda(graph));
    EXPECT_NE(engine.device_name().find("cuda:0"), std::string::npos) << engine.device_name();
    EXPECT_EQ(engine.device(), Device::cuda(0)) << engine.device().to_string();
    EXPECT_TRUE(engine.device().is_gpu());
    EXPECT_EQ(engine.max_in_flight(), 2);
    for (int round = 0; round < 2; ++round) {  // graph: captured in round 0, replayed in round 1
      for (size_t i = 0; i < in.size(); ++i) {
        const auto alone = engine.run({&in[i]});
        EXPECT_LE(max_abs_diff(alone[0], reference_logits(family(), test::kParitySignals[i])), kTolerance)
            << "graph " << graph << " round " << round << " " << test::kParitySignals[i];
      }
      const auto batch = engine.run({&in[1], &in[0], &in[2]});  // sig_b shortest, sig_a longest
      EXPECT_LE(max_abs_diff(batch[0], reference_logits(family(), "sig_b")), kTolerance) << "graph " << graph;
      EXPECT_LE(max_abs_diff(batch[1], reference_logits(family(), "sig_a")), kTolerance) << "graph " << graph;
      EXPECT_LE(max_abs_diff(batch[2], reference_logits(family(), "sig_c")), kTolerance) << "graph " << graph;
    }
  }
}

// Graph replay equals eager (<= 1e-4), also when the same captured shape is replayed with other lengths.
TEST_P(CudaEngine, GraphReplayEqualsEager) {
  const auto in = parity_signals();
  const InferenceEngine eager(model(), cuda(false));
  const InferenceEngine graph(model(), cuda(true));
  const std::vector<std::vector<const std::vector<float>*>> batches{
      {&in[0], &in[1], &in[2]}, {&in[2], &in[0], &in[1]}, {&in[1], &in[2]}, {&in[0]}};
  for (int round = 0; round < 2; ++round) {
    for (const auto& batch : batches) {
      const auto e = eager.run(batch);
      const auto g = graph.run(batch);
      ASSERT_EQ(e.size(), g.size());
      for (size_t k = 0; k < e.size(); ++k) EXPECT_LE(max_abs_diff(e[k], g[k]), kTolerance) << k;
    }
  }
}

// Two batches in flight: both are queued before either is collected, and each comes back with its own logits;
// the GPU ran them one after the other, as the spans show.
TEST_P(CudaEngine, TwoBatchesInFlightEachGetTheirOwnLogits) {
  const auto in = parity_signals();
  for (bool graph : {false, true}) {
    const InferenceEngine engine(model(), cuda(graph));
    const auto expected_a = engine.run({&in[0], &in[2]});
    const auto expected_b = engine.run({&in[1]});
    auto a = engine.submit({&in[0], &in[2]});
    auto b = engine.submit({&in[1]});
    const auto got_b = b->wait();  // collected out of order on purpose
    const auto got_a = a->wait();
    ASSERT_EQ(got_a.size(), 2u);
    ASSERT_EQ(got_b.size(), 1u);
    EXPECT_LE(max_abs_diff(got_a[0], expected_a[0]), 1e-6);
    EXPECT_LE(max_abs_diff(got_a[1], expected_a[1]), 1e-6);
    EXPECT_LE(max_abs_diff(got_b[0], expected_b[0]), 1e-6);
    EXPECT_LE(max_abs_diff(got_b[0], reference_logits(family(), "sig_b")), kTolerance);
    const DeviceSpan sa = a->device_span(), sb = b->device_span();
    EXPECT_GT(sa.seconds(), 0.0);
    EXPECT_GT(sb.seconds(), 0.0);
    EXPECT_LE(sa.end, sb.start + std::chrono::microseconds(50));  // one stream: b ran after a
  }
}

// A dropped pending batch gives its staging slot back (the destructor waits for the GPU).
TEST_P(CudaEngine, DroppedBatchesReleaseTheirSlots) {
  const auto in = parity_signals();
  const InferenceEngine engine(model(), cuda(false));
  for (int i = 0; i < 5; ++i) engine.submit({&in[i % 3]});  // would block on the third if slots leaked
  const auto after = engine.run({&in[2]});
  EXPECT_LE(max_abs_diff(after[0], reference_logits(family(), "sig_c")), kTolerance);
}

// More shapes than max_graphs: the rest run eagerly, with the same results.
TEST_P(CudaEngine, ShapesBeyondTheGraphCacheRunEagerly) {
  const auto in = parity_signals();
  RuntimeConfig runtime = cuda(true);
  runtime.max_graphs = 1;
  const InferenceEngine engine(model(), runtime);
  for (int round = 0; round < 2; ++round) {
    for (size_t i = 0; i < in.size(); ++i) {
      const auto out = engine.run({&in[i]});
      EXPECT_LE(max_abs_diff(out[0], reference_logits(family(), test::kParitySignals[i])), kTolerance);
    }
  }
}

TEST_P(CudaEngine, FrozenGraphsRunOtherShapesEagerly) {
  const InferenceEngine engine(model(), cuda(true));
  expect_frozen_graphs_run_other_shapes_eagerly(engine, family());
}

TEST_P(CudaEngine, TooShortInputsGiveZeroFramesWithoutTheGpu) {
  const InferenceEngine engine(model(), cuda(true));
  const std::vector<float> tiny(5, 0.1f), empty;
  const auto ok = load_normalized("sig_b");
  const auto out = engine.run({&tiny, &ok, &empty});
  EXPECT_EQ(out[0].frames, 0);
  EXPECT_EQ(out[2].frames, 0);
  EXPECT_LE(max_abs_diff(out[1], reference_logits(family(), "sig_b")), kTolerance);
  const auto none = engine.run({&tiny});
  EXPECT_EQ(none[0].frames, 0);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, CudaEngine,
                         ::testing::Values("tiny-group-st", "tiny-group-bin", "tiny-layer-st", "tiny-layer-bin"));

}  // namespace
}  // namespace w2v2
