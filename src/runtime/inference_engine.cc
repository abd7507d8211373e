#include "runtime/inference_engine.h"

#include <spdlog/spdlog.h>
#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/frontend/tracer.h>
#include <torch/csrc/jit/runtime/graph_executor.h>
#include <torch/csrc/jit/passes/frozen_graph_optimizations.h>
#include <torch/cuda.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <map>
#include <mutex>

#include "common/error.h"
#include "model/checkpoint_reader.h"
#include "model/wav2vec2_ctc_model.h"
#include "runtime/batch_plan.h"
#include "runtime/host_memory.h"
#include "runtime/torch_threads.h"
#ifdef W2V2_WITH_CUDA
#include "runtime/cuda_batch_runner.h"
#endif

namespace w2v2 {
namespace {

// "cpu" | "auto" | "cuda" | "cuda:N" -> the device to use; throws ConfigError when it is not usable here.
torch::Device resolve_device(const std::string& name) {
  if (name == "cpu") return torch::Device(torch::kCPU);
#ifdef W2V2_WITH_CUDA
  const bool built_with_cuda = true;
#else
  const bool built_with_cuda = false;
#endif
  const bool visible = built_with_cuda && torch::cuda::is_available();
  if (name == "auto") return visible ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
  W2V2_CHECK_AS(ConfigError, built_with_cuda, "device '", name, "': this build has no CUDA (LibTorch ",
                torch_version(), " without CUDA); use --device cpu");
  W2V2_CHECK_AS(ConfigError, visible, "device '", name, "': no CUDA device is visible");
  const int index = name == "cuda" ? 0 : std::stoi(name.substr(5));
  const auto count = static_cast<int>(torch::cuda::device_count());
  W2V2_CHECK_AS(ConfigError, index < count, "device '", name, "': only ", count, " CUDA device(s) visible");
  return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index));
}

}  // namespace

struct InferenceEngine::Impl {
  std::unique_ptr<Wav2Vec2CtcModel> model;
  torch::Device device{torch::kCPU};
#ifdef W2V2_WITH_CUDA
  std::unique_ptr<CudaBatchRunner> cuda;  // set when the model runs on a GPU
#endif
  RuntimeConfig runtime;
  double load_seconds = 0.0;
  int threads = 1;
  std::mutex graphs_mutex;
  std::map<std::pair<int64_t, int64_t>, std::unique_ptr<torch::jit::GraphFunction>> graphs;  // (B, S) -> graph
  bool frozen = false;  // no more captures: other shapes run eagerly

  // The captured graph for waveforms (B, S), traced on first use; nullptr when the cache is full.
  torch::jit::GraphFunction* graph_for(int64_t B, int64_t S) {
    std::lock_guard<std::mutex> lock(graphs_mutex);
    const auto key = std::make_pair(B, S);
    if (auto it = graphs.find(key); it != graphs.end()) return it->second.get();
    if (frozen || static_cast<int>(graphs.size()) >= runtime.max_graphs) return nullptr;
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
  impl_->device = resolve_device(runtime.device);
  impl_->threads = configure_torch_threads(runtime.threads);
  if (runtime.keep_host_memory && !keep_freed_host_memory()) {
    spdlog::debug("could not tune the host allocator (not glibc?): activations are re-allocated every batch");
  }
  const auto start = std::chrono::steady_clock::now();
  Wav2Vec2Weights weights = Wav2Vec2Weights::from_state_dict(model.config, read_checkpoint(model), model.weights_path);
  if (!impl_->device.is_cpu()) weights = weights.to(impl_->device);
  impl_->model = std::make_unique<Wav2Vec2CtcModel>(model.config,
                                                    std::make_shared<const Wav2Vec2Weights>(std::move(weights)));
#ifdef W2V2_WITH_CUDA
  if (impl_->device.is_cuda()) {
    impl_->cuda = std::make_unique<CudaBatchRunner>(*impl_->model, impl_->device.index(), impl_->runtime);
  }
#endif
  impl_->load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  spdlog::info("loaded {} in {:.3f} s on {} ({} intra-op threads, graph capture {})", model.weights_path,
               impl_->load_seconds, device_name(), impl_->threads, impl_->runtime.graph ? "on" : "off");
}

InferenceEngine::~InferenceEngine() = default;

double InferenceEngine::load_seconds() const { return impl_->load_seconds; }
int InferenceEngine::threads() const { return impl_->threads; }

std::string InferenceEngine::device_name() const {
#ifdef W2V2_WITH_CUDA
  if (impl_->cuda) return impl_->cuda->device_name();
#endif
  return "cpu";
}

void InferenceEngine::freeze_graphs() const {
#ifdef W2V2_WITH_CUDA
  if (impl_->cuda) impl_->cuda->freeze_graphs();
#endif
  std::lock_guard<std::mutex> lock(impl_->graphs_mutex);
  impl_->frozen = true;
}

int InferenceEngine::captured_graphs() const {
#ifdef W2V2_WITH_CUDA
  if (impl_->cuda) return impl_->cuda->captured_graphs();
#endif
  std::lock_guard<std::mutex> lock(impl_->graphs_mutex);
  return static_cast<int>(impl_->graphs.size());
}

int InferenceEngine::max_in_flight() const {
#ifdef W2V2_WITH_CUDA
  if (impl_->cuda) return CudaBatchRunner::kSlots;
#endif
  return 1;
}

std::unique_ptr<PendingBatch> InferenceEngine::submit(const std::vector<const std::vector<float>*>& waveforms) const {
#ifdef W2V2_WITH_CUDA
  if (impl_->cuda) return impl_->cuda->submit(waveforms);
#endif
  return BatchEngine::submit(waveforms);
}

std::vector<UtteranceLogits> InferenceEngine::run(const std::vector<const std::vector<float>*>& waveforms) const {
#ifdef W2V2_WITH_CUDA
  if (impl_->cuda) return impl_->cuda->submit(waveforms)->wait();
#endif
  const Wav2Vec2CtcModel& model = *impl_->model;
  BatchPlan plan = BatchPlan::of(model.config(), waveforms);
  if (plan.runnable.empty()) return std::move(plan.results);
  const int64_t B = plan.rows();
  int64_t max_samples = plan.samples;
  torch::jit::GraphFunction* graph = nullptr;
  if (impl_->runtime.graph) {
    // Pad up to the bucket edge: padding does not change the valid frames (the model is padding-invariant).
    const int64_t padded = bucketed_length(max_samples, impl_->runtime.graph_bucket_samples);
    graph = impl_->graph_for(B, padded);
    if (graph) max_samples = padded;
  }
  torch::InferenceMode inference_mode;
  // On CPU the "host-to-device copy" is this plain copy into the batch tensor and the forward is synchronous;
  // on a GPU, CudaBatchRunner stages the batch in pinned memory and copies non-blocking on its own stream.
  torch::Tensor batch = torch::zeros({B, max_samples}, torch::kFloat32);  // (B, S) zero-padded
  torch::Tensor lengths = torch::empty({B}, torch::kInt64);
  float* dst = batch.data_ptr<float>();
  for (int64_t b = 0; b < B; ++b) {
    const std::vector<float>& w = *waveforms[plan.runnable[static_cast<size_t>(b)]];
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
  const int64_t T = logits.size(1);
  const int64_t V = logits.size(2);
  const float* src = logits.data_ptr<float>();
  for (int64_t b = 0; b < B; ++b) {
    UtteranceLogits& out = plan.results[plan.runnable[static_cast<size_t>(b)]];  // frames: the plan's
    out.vocab = V;
    out.data.assign(src + b * T * V, src + (b * T + out.frames) * V);
  }
  return std::move(plan.results);
}

}  // namespace w2v2
