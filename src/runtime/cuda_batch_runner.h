#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/batch_engine.h"
#include "engine/runtime_config.h"

namespace w2v2 {

class Wav2Vec2CtcModel;

// Runs batches on one GPU. Implemented by cuda_batch_runner.cc where LibTorch has CUDA (CMake's W2V2_CUDA)
// and by cuda_unavailable.cc otherwise, whose built() is false and whose constructor throws, so that callers
// need no #ifdef and the CPU build no CUDA header. Per batch: the waveforms are
// staged in a pooled pinned host buffer, copied non-blocking to the GPU on the runner's own stream, run
// through the model (a replayed CUDA graph per (batch size, padded length) bucket, or eagerly), and the logits
// are copied non-blocking into a pooled pinned host buffer; an event recorded after that copy wakes the
// thread that waits for the batch. Two staging slots let one batch compute while the next is staged.
class CudaBatchRunner {
 public:
  // `model` must have its weights on cuda:`device_index` and outlive the runner.
  CudaBatchRunner(const Wav2Vec2CtcModel& model, int device_index, const RuntimeConfig& runtime);
  ~CudaBatchRunner();
  CudaBatchRunner(const CudaBatchRunner&) = delete;
  CudaBatchRunner& operator=(const CudaBatchRunner&) = delete;

  // See BatchEngine::submit. Thread-safe; blocks while both staging slots are in flight.
  std::unique_ptr<PendingBatch> submit(const std::vector<const std::vector<float>*>& waveforms);
  static constexpr int kSlots = 2;
  // Whether this build has CUDA.
  static bool built();

  std::string device_name() const;  // e.g. "cuda:0 (NVIDIA H200)"
  int captured_graphs() const;
  void freeze_graphs();  // see InferenceEngine::freeze_graphs

  struct Impl;  // defined in the .cc (public so that its pending batches can name it)

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace w2v2
