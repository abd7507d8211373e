// GraphCapturePolicy and GraphCache: the graph-capture rules both engines share, with a fake graph type.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <stdexcept>
#include <vector>

#include "engine/graph_capture_policy.h"

namespace w2v2 {
namespace {

struct FakeGraph {
  GraphShape shape;
};

RuntimeConfig graphs_on(int64_t bucket, int max_graphs) {
  RuntimeConfig runtime;
  runtime.graph = true;
  runtime.graph_bucket_samples = bucket;
  runtime.max_graphs = max_graphs;
  return runtime;
}

// Records every capture it is asked for.
struct Capturer {
  std::vector<GraphShape> captured;
  std::unique_ptr<FakeGraph> operator()(const GraphShape& shape) {
    captured.push_back(shape);
    return std::make_unique<FakeGraph>(FakeGraph{shape});
  }
};

TEST(GraphCapturePolicy, BucketedLengthRoundsUpToTheBucket) {
  EXPECT_EQ(bucketed_length(1, 4000), 4000);
  EXPECT_EQ(bucketed_length(4000, 4000), 4000);
  EXPECT_EQ(bucketed_length(4001, 4000), 8000);
  EXPECT_EQ(bucketed_length(0, 4000), 0);
  EXPECT_EQ(bucketed_length(12345, 1), 12345);
  EXPECT_THROW(bucketed_length(10, 0), std::exception);
}

TEST(GraphCapturePolicy, ShapesAndCaptureLimits) {
  const GraphCapturePolicy policy(graphs_on(16000, 2));
  EXPECT_TRUE(policy.enabled());
  EXPECT_EQ(policy.shape_for(3, 20000), (GraphShape{3, 32000}));
  EXPECT_EQ(policy.shape_for(1, 16000), (GraphShape{1, 16000}));
  EXPECT_TRUE(policy.may_capture(0, false));
  EXPECT_TRUE(policy.may_capture(1, false));
  EXPECT_FALSE(policy.may_capture(2, false)) << "max_graphs held";
  EXPECT_FALSE(policy.may_capture(0, true)) << "frozen";
  EXPECT_FALSE(GraphCapturePolicy(graphs_on(16000, 0)).may_capture(0, false));
  EXPECT_FALSE(GraphCapturePolicy(RuntimeConfig{}).enabled()) << "off by default";
}

TEST(GraphCache, OffRunsEverythingEagerlyAtItsOwnLength) {
  GraphCache<FakeGraph> cache{RuntimeConfig{}};
  Capturer capture;
  const auto got = cache.lookup(2, 12345, std::ref(capture));
  EXPECT_EQ(got.graph, nullptr);
  EXPECT_EQ(got.samples, 12345);
  EXPECT_TRUE(capture.captured.empty());
  EXPECT_EQ(cache.size(), 0);
}

TEST(GraphCache, CapturesEachBucketOnceAndPadsToIt) {
  GraphCache<FakeGraph> cache{graphs_on(4000, 8)};
  Capturer capture;
  const auto first = cache.lookup(2, 5000, std::ref(capture));
  ASSERT_NE(first.graph, nullptr);
  EXPECT_EQ(first.samples, 8000);
  EXPECT_EQ(first.graph->shape, (GraphShape{2, 8000}));
  const auto same_bucket = cache.lookup(2, 7999, std::ref(capture));
  EXPECT_EQ(same_bucket.graph, first.graph) << "replayed, not captured again";
  EXPECT_EQ(same_bucket.samples, 8000);
  const auto other_rows = cache.lookup(3, 5000, std::ref(capture));
  EXPECT_NE(other_rows.graph, first.graph);
  EXPECT_EQ(capture.captured, (std::vector<GraphShape>{{2, 8000}, {3, 8000}}));
  EXPECT_EQ(cache.size(), 2);
}

TEST(GraphCache, BeyondMaxGraphsAndAfterFreezeNewShapesRunEagerly) {
  GraphCache<FakeGraph> cache{graphs_on(1000, 1)};
  Capturer capture;
  const auto kept = cache.lookup(1, 1500, std::ref(capture));
  ASSERT_NE(kept.graph, nullptr);
  const auto full = cache.lookup(1, 2500, std::ref(capture));
  EXPECT_EQ(full.graph, nullptr);
  EXPECT_EQ(full.samples, 2500) << "eager batches are not padded";
  EXPECT_EQ(cache.size(), 1);

  GraphCache<FakeGraph> frozen{graphs_on(1000, 64)};
  ASSERT_NE(frozen.lookup(1, 900, std::ref(capture)).graph, nullptr);
  frozen.freeze();
  EXPECT_EQ(frozen.lookup(2, 900, std::ref(capture)).graph, nullptr);
  EXPECT_NE(frozen.lookup(1, 10, std::ref(capture)).graph, nullptr) << "a held shape still replays when frozen";
  EXPECT_EQ(frozen.size(), 1);
}

TEST(GraphCache, AFailedCaptureKeepsNothingAndIsTriedAgain) {
  GraphCache<FakeGraph> cache{graphs_on(1000, 4)};
  int attempts = 0;
  auto failing = [&attempts](const GraphShape&) -> std::unique_ptr<FakeGraph> {
    ++attempts;
    throw std::runtime_error("forward failed mid-capture");
  };
  EXPECT_THROW(cache.lookup(1, 1000, failing), std::runtime_error);
  EXPECT_EQ(cache.size(), 0);
  Capturer capture;
  const auto retried = cache.lookup(1, 1000, std::ref(capture));
  ASSERT_NE(retried.graph, nullptr);
  EXPECT_EQ(attempts, 1);
  EXPECT_EQ(capture.captured.size(), 1u);
  EXPECT_EQ(cache.size(), 1);
}

}  // namespace
}  // namespace w2v2
