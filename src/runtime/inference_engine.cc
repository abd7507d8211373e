#include "runtime/inference_engine.h"

#include <spdlog/spdlog.h>
#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/frontend/tracer.h>
#include <torch/csrc/jit/runtime/graph_executor.h>
#include <torch/csrc/jit/passes/frozen_graph_optimizations.h>
#include <torch/cuda.h>
#include <torch/torch.h>

#include <chrono>
#include <cstdint>
#include <cstring>

#include "common/error.h"
#include "model/checkpoint_reader.h"
#include "model/int8_linear.h"
#include "model/wav2vec2_ctc_model.h"
#include "engine/batch_plan.h"
#include "runtime/cuda_batch_runner.h"
#include "engine/graph_capture_policy.h"
#include "common/host_memory.h"
#include "runtime/torch_threads.h"

namespace w2v2 {
namespace {

// The requested device -> the one to use (kAuto and a CUDA device without an index resolved); throws
// ConfigError when it is not usable here.
Device resolve_device(const Device& requested) {
  if (requested.kind == Device::Kind::kCpu) return Device::cpu();
  const bool visible = CudaBatchRunner::built() && torch::cuda::is_available();
  if (requested.kind == Device::Kind::kAuto) return visible ? Device::cuda(0) : Device::cpu();
  const std::string name = requested.to_string();
  W2V2_CHECK_AS(ConfigError, CudaBatchRunner::built(), "device '", name, "': this build has no CUDA (LibTorch ",
                torch_version(), " without CUDA); use --device cpu");
  W2V2_CHECK_AS(ConfigError, visible, "device '", name, "': no CUDA device is visible");
  const auto count = static_cast<int>(torch::cuda::device_count());
  W2V2_CHECK_AS(ConfigError, requested.ordinal() < count, "device '", name, "': only ", count,
                " CUDA device(s) visible");
  return Device::cuda(requested.ordinal());
}

// Whether this CPU multiplies bfloat16 natively (AVX512-BF16); elsewhere LibTorch converts to float32 and back.
bool cpu_has_native_bf16() {
#if defined(__x86_64__) && defined(__GNUC__)
  return __builtin_cpu_supports("avx512bf16");
#else
  return false;
#endif
}

const RuntimeConfig& validated(const RuntimeConfig& runtime) {
  runtime.validate();
  return runtime;
}

torch::Device torch_device(const Device& device) {
  if (!device.is_gpu()) return torch::Device(torch::kCPU);
  return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(device.ordinal()));
}

// A traced forward for one (B, S) shape, optimized as a frozen graph.
std::unique_ptr<torch::jit::GraphFunction> trace_forward(const Wav2Vec2CtcModel& model, const GraphShape& shape) {
  const int64_t B = shape.rows;
  const int64_t S = shape.samples;
  torch::NoGradGuard no_grad;
  const auto start = std::chrono::steady_clock::now();
  auto traced = torch::jit::tracer::trace(
      {torch::zeros({B, S}), torch::full({B}, S, torch::kInt64)},
      [&model](torch::jit::Stack inputs) -> torch::jit::Stack {
        return {model.forward(inputs[0].toTensor(), inputs[1].toTensor(), /*static_graph=*/true)};
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
  return function;
}

}  // namespace

struct InferenceEngine::Impl {
  explicit Impl(const RuntimeConfig& r) : runtime(r), graphs(r) {}

  std::unique_ptr<Wav2Vec2CtcModel> model;
  Device device = Device::cpu();
  std::unique_ptr<CudaBatchRunner> cuda;  // set when the model runs on a GPU
  RuntimeConfig runtime;
  double load_seconds = 0.0;
  int threads = 1;
  std::string precision;  // "fp32", "bf16", or "int8 (8-bit weights, VNNI)"
  GraphCache<torch::jit::GraphFunction> graphs;  // CPU: traced graphs by (B, padded S)
};

InferenceEngine::InferenceEngine(const ModelDirectory& model, const RuntimeConfig& runtime)
    : impl_(std::make_unique<Impl>(validated(runtime))) {
  impl_->device = resolve_device(runtime.device);
  RuntimeConfig::check_precision(runtime.precision, impl_->device);  // before loading: `auto` may have chosen a GPU
  impl_->threads = configure_torch_threads(runtime.threads);
  const auto start = std::chrono::steady_clock::now();
  Wav2Vec2Weights weights = Wav2Vec2Weights::from_state_dict(model.config, read_checkpoint(model), model.weights_path);
  std::string precision = to_string(runtime.precision);
  if (runtime.precision == Precision::kInt8) {
    const int bits = runtime.int8_weight_bits > 0 ? runtime.int8_weight_bits : Int8Linear::exact_weight_bits();
    if (bits == 8 && !Int8Linear::cpu_has_vnni()) {
      spdlog::warn("int8 with 8-bit weights on a CPU without VNNI: the kernel's 16-bit pair sums saturate on some "
                   "products (7-bit weights, the default here, are exact)");
    }
    // 16-bit feed-forward activations double those layers' integer work: cheap with VNNI, but without it the
    // AVX2 kernel would bring int8 down to fp32's speed (README, "int8 on the CPU").
    const int ff_bits = runtime.int8_ff_activation_bits > 0 ? runtime.int8_ff_activation_bits
                                                            : (Int8Linear::cpu_has_vnni() ? 16 : 8);
    weights.quantize_int8(bits, ff_bits);
    release_freed_host_memory();  // the float32 weights it replaced
    precision += " (" + std::to_string(bits) + "-bit weights, " + std::to_string(ff_bits) +
                 "-bit feed-forward activations, " + (Int8Linear::cpu_has_vnni() ? "VNNI" : "no VNNI") + ")";
  }
  if (is_half(runtime.precision)) {
    weights.cast_products(runtime.precision == Precision::kBf16 ? torch::kBFloat16 : torch::kHalf);
    if (!impl_->device.is_gpu() && !cpu_has_native_bf16()) {
      spdlog::warn("bf16 on a CPU without AVX512-BF16 is a correctness path, not a fast one: each product converts "
                   "to float32 and back (use fp32 or int8 for speed)");
    }
  }
  if (impl_->device.is_gpu()) weights = weights.to(torch_device(impl_->device));
  // After the weights: their float32 copies then came from mmap (glibc's default for big blocks) and went back
  // to the kernel whole when int8 replaced them, instead of leaving holes in a heap that never shrinks.
  if (runtime.keep_host_memory && !keep_freed_host_memory()) {
    spdlog::debug("could not tune the host allocator (not glibc?): activations are re-allocated every batch");
  }
  impl_->model = std::make_unique<Wav2Vec2CtcModel>(model.config,
                                                    std::make_shared<const Wav2Vec2Weights>(std::move(weights)));
  if (impl_->device.is_gpu()) {
    impl_->cuda = std::make_unique<CudaBatchRunner>(*impl_->model, impl_->device.ordinal(), impl_->runtime);
  }
  impl_->load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  impl_->precision = precision;
  spdlog::info("loaded {} in {:.3f} s on {} ({} intra-op threads, graph capture {}, {})", model.weights_path,
               impl_->load_seconds, device_name(), impl_->threads, impl_->runtime.graph ? "on" : "off", precision);
}

InferenceEngine::~InferenceEngine() = default;

double InferenceEngine::load_seconds() const { return impl_->load_seconds; }
int InferenceEngine::threads() const { return impl_->threads; }

std::string InferenceEngine::precision() const { return impl_->precision; }

std::string InferenceEngine::device_name() const { return impl_->cuda ? impl_->cuda->device_name() : "cpu"; }

Device InferenceEngine::device() const { return impl_->device; }

void InferenceEngine::freeze_graphs() const {
  if (impl_->cuda) impl_->cuda->freeze_graphs();
  impl_->graphs.freeze();
}

int InferenceEngine::captured_graphs() const {
  return impl_->cuda ? impl_->cuda->captured_graphs() : impl_->graphs.size();
}

int InferenceEngine::max_in_flight() const { return impl_->cuda ? CudaBatchRunner::kSlots : 1; }

std::unique_ptr<PendingBatch> InferenceEngine::submit(const std::vector<const std::vector<float>*>& waveforms) const {
  if (impl_->cuda) return impl_->cuda->submit(waveforms);
  return BatchEngine::submit(waveforms);
}

std::vector<UtteranceLogits> InferenceEngine::run(const std::vector<const std::vector<float>*>& waveforms) const {
  if (impl_->cuda) return impl_->cuda->submit(waveforms)->wait();
  const Wav2Vec2CtcModel& model = *impl_->model;
  BatchPlan plan = BatchPlan::of(model.config(), waveforms);
  if (plan.runnable.empty()) return std::move(plan.results);
  const int64_t B = plan.rows();
  const auto lookup = impl_->graphs.lookup(B, plan.samples, [&model](const GraphShape& shape) {
    return trace_forward(model, shape);
  });
  torch::jit::GraphFunction* graph = lookup.graph;
  const int64_t max_samples = lookup.samples;
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
