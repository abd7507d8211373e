#include "runtime/cuda_batch_runner.h"

#include <ATen/Context.h>
#include <ATen/cuda/CUDAContext.h>
#include <ATen/cuda/CUDAEvent.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <mutex>

#include "common/error.h"
#include "model/wav2vec2_ctc_model.h"
#include "engine/batch_plan.h"
#include "engine/graph_capture_policy.h"

namespace w2v2 {
namespace {

using Clock = std::chrono::steady_clock;

// One batch's pooled pinned host memory and the events that time it and signal its end.
struct Slot {
  torch::Tensor input;    // pinned float32, capacity >= B * S; viewed as (B, S)
  torch::Tensor lengths;  // pinned int64, capacity >= B
  torch::Tensor output;   // pinned float32, capacity >= B * T * V; viewed as (B, T, V)
  // Blocking-sync events: a thread waiting on `done` sleeps until the GPU signals it. Timing stays enabled.
  at::cuda::CUDAEvent start{cudaEventBlockingSync};
  at::cuda::CUDAEvent done{cudaEventBlockingSync};
  bool busy = false;
};

// A CUDA graph of the forward for one (B, S) shape with its static buffers.
struct CapturedGraph {
  at::cuda::CUDAGraph graph;
  torch::Tensor input;    // (B, S) float32 on the GPU
  torch::Tensor lengths;  // (B,) int64 on the GPU
  torch::Tensor output;   // (B, T, V) float32 on the GPU, written by every replay
};

// One capture of the current stream into `graph`: begun by the constructor and ended by end() or, when the
// forward throws mid-capture, by the destructor, so that the stream leaves capture mode and stays usable for
// the batches that follow. The caller then discards the half-made graph (CUDAGraph's destructor frees it).
class CaptureScope {
 public:
  CaptureScope(at::cuda::CUDAGraph& graph, decltype(at::cuda::graph_pool_handle()) pool, cudaStream_t stream)
      : graph_(graph), stream_(stream) {
    graph_.capture_begin(pool);
  }
  CaptureScope(const CaptureScope&) = delete;
  CaptureScope& operator=(const CaptureScope&) = delete;

  ~CaptureScope() {
    if (!open_) return;
    try {
      graph_.capture_end();  // ends the capture (and the allocator's capture) even when it then reports an error
    } catch (const std::exception& e) {
      spdlog::debug("ending an abandoned CUDA graph capture: {}", e.what());
    }
    leave_capture_mode();
  }

  // Ends the capture; when that fails, the stream still leaves capture mode and the error propagates.
  void end() {
    open_ = false;
    try {
      graph_.capture_end();
    } catch (...) {
      leave_capture_mode();
      throw;
    }
  }

 private:
  // Should capture_end have failed before ending the capture, end it here and drop the partial graph; an
  // invalidated capture's error is not sticky, so clear it to keep later launch checks from reporting it.
  void leave_capture_mode() noexcept {
    cudaStreamCaptureStatus status = cudaStreamCaptureStatusNone;
    if (cudaStreamIsCapturing(stream_, &status) == cudaSuccess && status != cudaStreamCaptureStatusNone) {
      cudaGraph_t partial = nullptr;
      if (cudaStreamEndCapture(stream_, &partial) == cudaSuccess && partial != nullptr) cudaGraphDestroy(partial);
    }
    (void)cudaGetLastError();
  }

  at::cuda::CUDAGraph& graph_;
  cudaStream_t stream_;
  bool open_ = true;
};

// The first `n` elements of a pooled pinned buffer, grown (never shrunk) when too small.
torch::Tensor pinned_prefix(torch::Tensor& buffer, int64_t n, torch::ScalarType type) {
  if (!buffer.defined() || buffer.numel() < n) {
    const int64_t capacity = std::max<int64_t>(n, buffer.defined() ? buffer.numel() * 3 / 2 : 0);
    buffer = torch::empty({capacity}, torch::TensorOptions().dtype(type).pinned_memory(true));
  }
  return buffer.narrow(0, 0, n);
}

}  // namespace

struct CudaBatchRunner::Impl {
  const Wav2Vec2CtcModel& model;
  RuntimeConfig runtime;
  torch::Device device;
  c10::cuda::CUDAStream stream;
  at::cuda::CUDAEvent epoch{cudaEventBlockingSync};  // the GPU clock's zero ...
  Clock::time_point epoch_host;                        // ... on the host's clock
  std::string name;

  std::mutex submit_mutex;  // one submitter at a time: staging, graph capture and enqueueing

  // TF32 for --precision tf32 only; otherwise exact float32 products (TF32 would move logits by ~1e-3, and
  // cuDNN allows it by default). The switches are process-wide and read when a kernel is launched or captured,
  // so each batch sets its own before it runs: engines of different precisions may alternate, not overlap.
  void apply_tf32() const {
    const bool tf32 = runtime.precision == Precision::kTf32;
    at::globalContext().setAllowTF32CuDNN(tf32);
    at::globalContext().setAllowTF32CuBLAS(tf32);
  }
  GraphCache<CapturedGraph> graphs;  // by (B, padded S)
  decltype(at::cuda::graph_pool_handle()) graph_pool;  // shared by all graphs: they replay one at a time on `stream`

  std::mutex slots_mutex;
  std::condition_variable slot_freed;
  std::array<Slot, kSlots> slots;

  Impl(const Wav2Vec2CtcModel& m, int index, const RuntimeConfig& r)
      : model(m),
        runtime(r),
        device(torch::kCUDA, static_cast<c10::DeviceIndex>(index)),
        stream(c10::cuda::getStreamFromPool(/*isHighPriority=*/false, static_cast<c10::DeviceIndex>(index))),
        graphs(r),
        graph_pool(at::cuda::graph_pool_handle()) {}

  Slot* acquire() {
    std::unique_lock<std::mutex> lock(slots_mutex);
    for (;;) {
      for (Slot& s : slots) {
        if (!s.busy) {
          s.busy = true;
          return &s;
        }
      }
      slot_freed.wait(lock);
    }
  }

  void release(Slot* slot) {
    {
      std::lock_guard<std::mutex> lock(slots_mutex);
      slot->busy = false;
    }
    slot_freed.notify_one();
  }

  Clock::time_point host_time(const at::cuda::CUDAEvent& event) const {
    const double ms = epoch.elapsed_time(event);
    return epoch_host + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double, std::milli>(ms));
  }

  // A CUDA graph of the forward for `shape`, captured on `stream` (GraphCache decides when).
  // Caller holds submit_mutex and a stream guard for `stream`.
  std::unique_ptr<CapturedGraph> capture(const GraphShape& shape) {
    const int64_t B = shape.rows;
    const int64_t S = shape.samples;
    const auto t0 = Clock::now();
    auto g = std::make_unique<CapturedGraph>();
    g->input = torch::zeros({B, S}, torch::TensorOptions().dtype(torch::kFloat32).device(device));
    g->lengths = torch::full({B}, S, torch::TensorOptions().dtype(torch::kInt64).device(device));
    // Warm-up outside the capture: cuBLAS/cuDNN handles, workspaces and kernel choices are made here.
    for (int i = 0; i < 2; ++i) model.forward(g->input, g->lengths, /*static_graph=*/true);
    stream.synchronize();
    {
      CaptureScope scope(g->graph, graph_pool, stream.stream());
      g->output = model.forward(g->input, g->lengths, /*static_graph=*/true);  // (B, T, V)
      scope.end();
    }
    spdlog::debug("captured a CUDA graph for batch {} x {} samples in {:.2f} s", B, S,
                  std::chrono::duration<double>(Clock::now() - t0).count());
    return g;
  }
};

namespace {

// A batch queued on the runner's stream; wait() sleeps on its event, then unpacks the pinned logits.
class CudaPendingBatch : public PendingBatch {
 public:
  CudaPendingBatch(CudaBatchRunner::Impl* runner, Slot* slot, std::vector<UtteranceLogits> results,
                   std::vector<size_t> runnable, torch::Tensor logits)
      : runner_(runner), slot_(slot), results_(std::move(results)), runnable_(std::move(runnable)),
        logits_(std::move(logits)) {}

  ~CudaPendingBatch() override {
    if (slot_ == nullptr) return;
    try {
      slot_->done.synchronize();  // the GPU may still read or write the slot's pinned memory
    } catch (const std::exception& e) {
      spdlog::error("a dropped CUDA batch failed: {}", e.what());
    }
    runner_->release(slot_);
  }

  std::vector<UtteranceLogits> wait() override {
    W2V2_CHECK(slot_ != nullptr, "a pending batch was collected twice");
    Slot* slot = slot_;
    slot_ = nullptr;
    try {
      slot->done.synchronize();
      span_.start = runner_->host_time(slot->start);
      span_.end = runner_->host_time(slot->done);
      // logits_: pinned (B, T, V); keep each utterance's valid frames.
      const int64_t T = logits_.size(1);
      const int64_t V = logits_.size(2);
      const float* src = logits_.data_ptr<float>();
      for (size_t b = 0; b < runnable_.size(); ++b) {
        UtteranceLogits& out = results_[runnable_[b]];
        const auto row = static_cast<int64_t>(b) * T * V;
        out.vocab = V;
        out.data.assign(src + row, src + row + out.frames * V);
      }
    } catch (...) {
      runner_->release(slot);
      throw;
    }
    runner_->release(slot);
    return std::move(results_);
  }

  DeviceSpan device_span() const override { return span_; }

 private:
  CudaBatchRunner::Impl* runner_;
  Slot* slot_;
  std::vector<UtteranceLogits> results_;  // frames set at submit; data filled by wait()
  std::vector<size_t> runnable_;          // results_ index of each batch row
  torch::Tensor logits_;                  // pinned (B, T, V) view of the slot's output buffer
  DeviceSpan span_;
};

}  // namespace

CudaBatchRunner::CudaBatchRunner(const Wav2Vec2CtcModel& model, int device_index, const RuntimeConfig& runtime)
    : impl_(std::make_unique<Impl>(model, device_index, runtime)) {
  c10::cuda::CUDAStreamGuard guard(impl_->stream);
  impl_->epoch.record(impl_->stream);
  impl_->epoch.synchronize();
  impl_->epoch_host = Clock::now();
  impl_->name = "cuda:" + std::to_string(device_index) + " (" +
                at::cuda::getDeviceProperties(static_cast<c10::DeviceIndex>(device_index))->name + ")";
}

CudaBatchRunner::~CudaBatchRunner() {
  try {
    impl_->stream.synchronize();
  } catch (const std::exception& e) {
    spdlog::error("CUDA stream failed at shutdown: {}", e.what());
  }
}

bool CudaBatchRunner::built() { return true; }

std::string CudaBatchRunner::device_name() const { return impl_->name; }

void CudaBatchRunner::freeze_graphs() { impl_->graphs.freeze(); }

int CudaBatchRunner::captured_graphs() const { return impl_->graphs.size(); }

std::unique_ptr<PendingBatch> CudaBatchRunner::submit(const std::vector<const std::vector<float>*>& waveforms) {
  Impl& r = *impl_;
  BatchPlan plan = BatchPlan::of(r.model.config(), waveforms);
  if (plan.runnable.empty()) {
    const auto now = Clock::now();
    return std::make_unique<CompletedBatch>(std::move(plan.results), DeviceSpan{now, now});
  }
  const int64_t B = plan.rows();
  int64_t S = plan.samples;

  std::lock_guard<std::mutex> submit_lock(r.submit_mutex);
  r.apply_tf32();
  torch::InferenceMode inference_mode;
  c10::cuda::CUDAStreamGuard stream_guard(r.stream);
  const auto lookup = r.graphs.lookup(B, S, [&r](const GraphShape& shape) { return r.capture(shape); });
  CapturedGraph* graph = lookup.graph;
  S = lookup.samples;

  Slot* slot = r.acquire();
  try {
    // Stage the zero-padded batch (B, S) and its lengths (B,) in the slot's pinned memory.
    torch::Tensor host_input = pinned_prefix(slot->input, B * S, torch::kFloat32).view({B, S});
    torch::Tensor host_lengths = pinned_prefix(slot->lengths, B, torch::kInt64);
    float* dst = host_input.data_ptr<float>();
    int64_t* len = host_lengths.data_ptr<int64_t>();
    for (int64_t b = 0; b < B; ++b) {
      const std::vector<float>& w = *waveforms[plan.runnable[static_cast<size_t>(b)]];
      const auto n = static_cast<int64_t>(w.size());
      std::memcpy(dst + b * S, w.data(), static_cast<size_t>(n) * sizeof(float));
      std::memset(dst + b * S + n, 0, static_cast<size_t>(S - n) * sizeof(float));
      len[b] = n;
    }

    slot->start.record(r.stream);
    torch::Tensor logits;  // (B, T, V) on the GPU
    if (graph) {
      graph->input.copy_(host_input, /*non_blocking=*/true);
      graph->lengths.copy_(host_lengths, /*non_blocking=*/true);
      graph->graph.replay();
      logits = graph->output;
    } else {
      const torch::Tensor input = host_input.to(torch::TensorOptions().device(r.device), /*non_blocking=*/true);
      const torch::Tensor lengths = host_lengths.to(torch::TensorOptions().device(r.device), /*non_blocking=*/true);
      // The static graph has no host synchronization inside the forward (masks are always applied).
      logits = r.model.forward(input, lengths, /*static_graph=*/true);
    }
    const int64_t T = logits.size(1);
    const int64_t V = logits.size(2);
    torch::Tensor host_logits = pinned_prefix(slot->output, B * T * V, torch::kFloat32).view({B, T, V});
    host_logits.copy_(logits, /*non_blocking=*/true);
    slot->done.record(r.stream);
    return std::make_unique<CudaPendingBatch>(&r, slot, std::move(plan.results), std::move(plan.runnable),
                                              std::move(host_logits));
  } catch (...) {
    try {
      r.stream.synchronize();
    } catch (...) {
    }
    r.release(slot);
    throw;
  }
}

}  // namespace w2v2
