#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <vector>

#include "engine/device.h"

namespace w2v2 {

// Logits of one utterance, valid frames only: (frames, vocab) float32 row-major.
struct UtteranceLogits {
  int64_t frames = 0;
  int64_t vocab = 0;
  std::vector<float> data;
};

// When the device worked on one batch (copies in, forward, copy out), on the host's steady clock.
struct DeviceSpan {
  std::chrono::steady_clock::time_point start;
  std::chrono::steady_clock::time_point end;
  double seconds() const { return std::chrono::duration<double>(end - start).count(); }
};

// A batch handed to the device whose logits are not collected yet.
class PendingBatch {
 public:
  virtual ~PendingBatch() = default;
  // Blocks until the device is done with the batch (no polling: CUDA wakes the thread with an event)
  // -> per-utterance logits, as BatchEngine::run. Call once; throws what the batch failed with.
  virtual std::vector<UtteranceLogits> wait() = 0;
  // After wait(): when the device ran the batch.
  virtual DeviceSpan device_span() const = 0;
};

// Runs batches of normalized 16 kHz waveforms through a model. The pipeline talks to this interface,
// so its tests can use a scripted engine and need no LibTorch.
class BatchEngine {
 public:
  virtual ~BatchEngine() = default;
  // -> per-utterance logits, in the same order; utterances too short for one frame give 0 frames.
  virtual std::vector<UtteranceLogits> run(const std::vector<const std::vector<float>*>& waveforms) const = 0;

  // Starts a batch and returns without waiting for the device, so the caller can prepare the next batch
  // while this one computes. The waveforms are copied before it returns. Up to `max_in_flight()` batches
  // may be pending at once; a caller that submits more blocks until one is collected. The default runs the
  // batch to completion here (CPU: the device is the calling thread).
  virtual std::unique_ptr<PendingBatch> submit(const std::vector<const std::vector<float>*>& waveforms) const;
  virtual int max_in_flight() const { return 1; }
  // The device the batches run on, resolved (never kAuto): ask `device().is_gpu()`, not `max_in_flight()`.
  virtual Device device() const { return Device::cpu(); }
};

// A batch that already ran: its logits, or the error it failed with, and when it ran.
class CompletedBatch : public PendingBatch {
 public:
  CompletedBatch(std::vector<UtteranceLogits> logits, DeviceSpan span);
  explicit CompletedBatch(std::exception_ptr error, DeviceSpan span);
  std::vector<UtteranceLogits> wait() override;
  DeviceSpan device_span() const override { return span_; }

 private:
  std::vector<UtteranceLogits> logits_;
  std::exception_ptr error_;
  DeviceSpan span_;
  bool collected_ = false;
};

}  // namespace w2v2
