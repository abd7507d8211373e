#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/pipeline_messages.h"
#include "pipeline/trace_recorder.h"
#include "engine/batch_engine.h"

namespace w2v2 {

// The device stage: hands batches to the engine and passes each member's logits on. Up to `depth` batches
// are in flight (an asynchronous engine, CUDA, stages batch N+1 while batch N runs; the CPU runs a batch
// inside submit, depth 1). A batch that fails is split in halves and retried until the failure is isolated
// to single pieces (FailureStage::kModel); its other members still get their logits. Failed pieces from the
// reader pass on unchanged. Only the thread that runs it touches the engine.
class DeviceStage {
 public:
  // `start`: when the run began (the device's idle time is counted from there).
  DeviceStage(const BatchEngine& engine, size_t depth, TraceRecorder& trace, PipelineClock::time_point start);

  // False when `emit` refused. EndOfStream collects the batches in flight and is passed on.
  bool accept(BatchMessage message, const Sink<ComputedMessage>& emit);

  double busy_seconds() const { return busy_seconds_; }  // the engine's own account (GPU events on CUDA)
  double wait_seconds() const { return wait_seconds_; }  // idle gaps before and between batches
  size_t batches() const { return batches_; }
  size_t splits() const { return splits_; }  // failed batches retried in halves

 private:
  // A batch handed to the engine and not collected yet.
  struct InFlight {
    Batch batch;
    std::vector<const std::vector<float>*> waveforms;  // into batch.items' samples
    std::unique_ptr<PendingBatch> pending;             // null when submitting failed
    std::string error;                                 // why submitting failed
  };
  bool submit(Batch batch, const Sink<ComputedMessage>& emit);
  bool collect(InFlight& batch, const Sink<ComputedMessage>& emit);
  void account(const DeviceSpan& span, size_t size, PipelineClock::time_point collect_start);

  const BatchEngine& engine_;
  size_t depth_;
  TraceRecorder& trace_;
  bool gpu_;  // spans of the forward go on the trace's "gpu" track
  std::deque<InFlight> in_flight_;
  PipelineClock::time_point device_free_;  // when the device finished its previous batch (or the run began)
  double busy_seconds_ = 0.0;
  double wait_seconds_ = 0.0;
  size_t batches_ = 0;
  size_t splits_ = 0;
};

}  // namespace w2v2
