#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <utility>

#include "engine/runtime_config.h"

namespace w2v2 {

// The shape a captured graph is keyed by: batch rows x padded samples.
struct GraphShape {
  int64_t rows = 0;
  int64_t samples = 0;

  bool operator<(const GraphShape& other) const {
    return rows != other.rows ? rows < other.rows : samples < other.samples;
  }
  bool operator==(const GraphShape& other) const { return rows == other.rows && samples == other.samples; }
};

// `samples` rounded up to a multiple of `bucket` (> 0).
int64_t bucketed_length(int64_t samples, int64_t bucket);

// The graph-capture rules both engines follow (the CPU's traced TorchScript graphs and the GPU's CUDA graphs),
// from RuntimeConfig's graph, graph_bucket_samples and max_graphs. With capture on, a batch of rows x samples
// is padded up to the next multiple of graph_bucket_samples (padding does not change the valid frames: the
// model is padding-invariant) and runs as the graph captured for that shape. A new shape is captured only
// while fewer than max_graphs are held and the set is not frozen; otherwise the batch runs eagerly at its own
// length.
class GraphCapturePolicy {
 public:
  explicit GraphCapturePolicy(const RuntimeConfig& runtime);

  bool enabled() const { return enabled_; }
  // The graph shape of a rows x samples batch.
  GraphShape shape_for(int64_t rows, int64_t samples) const;
  // Whether a shape not held yet may be captured, with `held` graphs held.
  bool may_capture(size_t held, bool frozen) const;

 private:
  bool enabled_;
  int64_t bucket_samples_;
  int max_graphs_;
};

// Captured graphs by shape, under GraphCapturePolicy's rules; `Graph` is the engine's graph type. Thread-safe:
// a capture runs under the cache's lock, so one shape is captured once.
template <typename Graph>
class GraphCache {
 public:
  explicit GraphCache(const RuntimeConfig& runtime) : policy_(runtime) {}

  struct Lookup {
    Graph* graph = nullptr;  // nullptr: run the batch eagerly
    int64_t samples = 0;     // the padded length to run at: the graph's with a graph, else the batch's own
  };

  // The graph for a batch of `rows` x `samples`; on a shape's first use, `capture(shape)` makes it and must
  // return a std::unique_ptr<Graph>. When `capture` throws, nothing is kept (a later batch of that shape tries
  // again) and the exception propagates; the capture itself must leave its device usable.
  template <typename Capture>
  Lookup lookup(int64_t rows, int64_t samples, Capture&& capture) {
    if (!policy_.enabled()) return {nullptr, samples};
    const GraphShape shape = policy_.shape_for(rows, samples);
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto it = graphs_.find(shape); it != graphs_.end()) return {it->second.get(), shape.samples};
    if (!policy_.may_capture(graphs_.size(), frozen_)) return {nullptr, samples};
    std::unique_ptr<Graph> graph = capture(shape);
    Graph* kept = graph.get();
    graphs_.emplace(shape, std::move(graph));
    return {kept, shape.samples};
  }

  // Capture no more shapes; batches of other shapes run eagerly (see InferenceEngine::freeze_graphs).
  void freeze() {
    std::lock_guard<std::mutex> lock(mutex_);
    frozen_ = true;
  }

  int size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return static_cast<int>(graphs_.size());
  }

 private:
  GraphCapturePolicy policy_;
  mutable std::mutex mutex_;
  std::map<GraphShape, std::unique_ptr<Graph>> graphs_;
  bool frozen_ = false;
};

}  // namespace w2v2
