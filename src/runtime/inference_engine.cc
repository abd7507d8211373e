#include "runtime/inference_engine.h"

#include <spdlog/spdlog.h>
#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/frontend/tracer.h>
#include <torch/csrc/jit/runtime/graph_executor.h>
#include <torch/csrc/jit/passes/frozen_graph_optimizations.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>

#include "common/error.h"
#include "model/checkpoint_reader.h"
#include "model/wav2vec2_ctc_model.h"
#include "runtime/host_memory.h"
#include "runtime/torch_threads.h"

namespace w2v2 {

struct InferenceEngine::Impl {
  std::unique_ptr<Wav2Vec2CtcModel> model;
  RuntimeConfig runtime;
  double load_seconds = 0.0;
  int threads = 1;
  std::mutex graphs_mutex;
  std::map<std::pair<int64_t, int64_t>, std::unique_ptr<torch::jit::GraphFunction>> graphs;  // (B, S) -> graph

  // The captured graph for waveforms (B, S), traced on first use; nullptr when the cache is full.
  torch::jit::GraphFunction* graph_for(int64_t B, int64_t S) {
    std::lock_guard<std::mutex> lock(graphs_mutex);
    const auto key = std::make_pair(B, S);
    if (auto it = graphs.find(key); it != graphs.end()) return it->second.get();
    if (static_cast<int>(graphs.size()) >= runtime.max_graphs) return nullptr;
    torch::NoGradGuard no_grad;
    const auto start = std::chrono::steady_clock::now();
    const Wav2Vec2CtcModel& m = *model;
    auto traced = torch::jit::tracer::trace(
        {torch::zeros({B, S}), torch::full({B}, S, torch::kInt64)},
        [&m](torch::jit::Stack inputs) -> torch::jit::Stack {
          return {m.forward(inputs[0].toTensor(), inputs[1].toTensor(), /*static_graph=*/true)};
        },
        [](const torch::autograd::Variable&) { return std::string(); }, /*strict=*/false);
    std::shared_ptr<torch::jit::Graph> graph = traced.first->graph;
    torch::jit::OptimizeFrozenGraph(graph, /*optimize_numerics=*/true);
    // The simple executor runs the optimized graph as it is: the profiling executor would re-profile and
    // re-optimize every new graph over its first runs, which dominated the cost of each capture.
    auto function = std::make_unique<torch::jit::GraphFunction>(
        "wav2vec2_b" + std::to_string(B) + "_s" + std::to_string(S), graph, nullptr,
        torch::jit::ExecutorExecutionMode::SIMPLE);
    spdlog::debug("captured a graph for batch {} x {} samples in {:.2f} s", B, S,
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    return graphs.emplace(key, std::move(function)).first->second.get();
  }
};

InferenceEngine::InferenceEngine(const ModelDirectory& model, const RuntimeConfig& runtime)
    : impl_(std::make_unique<Impl>()) {
  runtime.validate();
  impl_->runtime = runtime;
  impl_->threads = configure_torch_threads(runtime.threads);
  if (runtime.keep_host_memory && !keep_freed_host_memory()) {
    spdlog::debug("could not tune the host allocator (not glibc?): activations are re-allocated every batch");
  }
  const auto start = std::chrono::steady_clock::now();
  auto weights = std::make_shared<const Wav2Vec2Weights>(
      Wav2Vec2Weights::from_state_dict(model.config, read_checkpoint(model), model.weights_path));
  impl_->model = std::make_unique<Wav2Vec2CtcModel>(model.config, std::move(weights));
  impl_->load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  spdlog::info("loaded {} in {:.3f} s ({} intra-op threads)", model.weights_path, impl_->load_seconds,
               impl_->threads);
}

InferenceEngine::~InferenceEngine() = default;

double InferenceEngine::load_seconds() const { return impl_->load_seconds; }
int InferenceEngine::threads() const { return impl_->threads; }

std::vector<UtteranceLogits> InferenceEngine::run(const std::vector<const std::vector<float>*>& waveforms) const {
  const Wav2Vec2CtcModel& model = *impl_->model;
  const Wav2Vec2Config& config = model.config();
  std::vector<UtteranceLogits> results(waveforms.size());
  // Utterances too short for one frame are answered without the model.
  std::vector<size_t> runnable;
  int64_t max_samples = 0;
  for (size_t i = 0; i < waveforms.size(); ++i) {
    results[i].vocab = config.vocab_size;
    const auto n = static_cast<int64_t>(waveforms[i]->size());
    if (config.output_frames(n) > 0) {
      runnable.push_back(i);
      max_samples = std::max(max_samples, n);
    }
  }
  if (runnable.empty()) return results;

  const auto B = static_cast<int64_t>(runnable.size());
  torch::jit::GraphFunction* graph = nullptr;
  if (impl_->runtime.graph) {
    // Pad up to the bucket edge: padding does not change the valid frames (the model is padding-invariant).
    const int64_t bucket = impl_->runtime.graph_bucket_samples;
    const int64_t padded = (max_samples + bucket - 1) / bucket * bucket;
    graph = impl_->graph_for(B, padded);
    if (graph) max_samples = padded;
  }
  torch::InferenceMode inference_mode;
  // On CPU the "host-to-device copy" is this copy into the batch tensor; a CUDA build would stage it in
  // pinned memory and copy non-blocking on the engine's stream.
  torch::Tensor batch = torch::zeros({B, max_samples}, torch::kFloat32);  // (B, S) zero-padded
  torch::Tensor lengths = torch::empty({B}, torch::kInt64);
  float* dst = batch.data_ptr<float>();
  for (int64_t b = 0; b < B; ++b) {
    const std::vector<float>& w = *waveforms[runnable[b]];
    std::memcpy(dst + b * max_samples, w.data(), w.size() * sizeof(float));
    lengths[b] = static_cast<int64_t>(w.size());
  }
  torch::Tensor logits;  // (B, T, V)
  if (graph) {
    torch::jit::Stack stack{batch, lengths};
    graph->run(stack);
    logits = stack.front().toTensor().contiguous();
  } else {
    logits = model.forward(batch, lengths).contiguous();
  }
  const torch::Tensor frames = model.frame_lengths(lengths);
  const int64_t T = logits.size(1);
  const int64_t V = logits.size(2);
  const float* src = logits.data_ptr<float>();
  for (int64_t b = 0; b < B; ++b) {
    UtteranceLogits& out = results[runnable[b]];
    out.frames = frames[b].item<int64_t>();
    out.vocab = V;
    out.data.assign(src + b * T * V, src + (b * T + out.frames) * V);
  }
  return results;
}

}  // namespace w2v2
