#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "checkpoint/model_directory.h"
#include "engine/batch_engine.h"
#include "engine/runtime_config.h"

namespace w2v2 {

// Owns the model weights and runs forward passes. The header is torch-free so that callers
// (transcriber, pipeline, tests) compile without LibTorch.
class InferenceEngine : public BatchEngine {
 public:
  InferenceEngine(const ModelDirectory& model, const RuntimeConfig& runtime);
  ~InferenceEngine() override;
  InferenceEngine(const InferenceEngine&) = delete;
  InferenceEngine& operator=(const InferenceEngine&) = delete;

  // Normalized 16 kHz waveforms -> per-utterance logits, in the same order. The batch is zero-padded
  // to its longest member; utterances shorter than the receptive field give zero frames.
  std::vector<UtteranceLogits> run(const std::vector<const std::vector<float>*>& waveforms) const override;
  // CPU: runs the batch here. CUDA: stages it in pinned memory, queues copies and forward, and returns.
  std::unique_ptr<PendingBatch> submit(const std::vector<const std::vector<float>*>& waveforms) const override;
  int max_in_flight() const override;
  // The resolved device: cpu, or cuda:N (never auto).
  Device device() const override;

  // With graph capture: capture no more shapes; batches of other shapes run eagerly. A benchmark calls it
  // after its warm-up, so that the shapes met at warm-up are replayed and the timed runs never capture.
  void freeze_graphs() const;
  int captured_graphs() const;

  double load_seconds() const;
  int threads() const;
  std::string device_name() const;  // "cpu" or e.g. "cuda:0 (NVIDIA H200)"
  std::string precision() const;    // "fp32", or e.g. "int8 (7-bit weights, no VNNI)"

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace w2v2
