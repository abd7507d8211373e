#include "engine/graph_capture_policy.h"

#include "common/error.h"

namespace w2v2 {

int64_t bucketed_length(int64_t samples, int64_t bucket) {
  W2V2_CHECK(bucket > 0, "graph bucket must be positive; got ", bucket);
  return (samples + bucket - 1) / bucket * bucket;
}

GraphCapturePolicy::GraphCapturePolicy(const RuntimeConfig& runtime)
    : enabled_(runtime.graph), bucket_samples_(runtime.graph_bucket_samples), max_graphs_(runtime.max_graphs) {}

GraphShape GraphCapturePolicy::shape_for(int64_t rows, int64_t samples) const {
  return GraphShape{rows, bucketed_length(samples, bucket_samples_)};
}

bool GraphCapturePolicy::may_capture(size_t held, bool frozen) const {
  return enabled_ && !frozen && held < static_cast<size_t>(max_graphs_ < 0 ? 0 : max_graphs_);
}

}  // namespace w2v2
