#pragma once

#include <cstdint>
#include <vector>

#include "pipeline/length_bucketer.h"
#include "pipeline/pipeline_messages.h"
#include "pipeline/trace_recorder.h"

namespace w2v2 {

// The batcher stage: gathers pieces in a window of `sort_window` (or `max_window_seconds` of audio), sorts
// the window by length and cuts it into batches under the caps (make_batches). Failed pieces pass straight
// on. On DeviceIdle (an asynchronous device ran dry) the partial window is batched at once, or, if it is
// empty, the next piece to arrive when no more are queued. One thread.
class BatcherStage {
 public:
  explicit BatcherStage(BatchingConfig config);

  // `more_queued`: further messages are already waiting behind this one. False when `emit` refused.
  // EndOfStream flushes the window and is passed on.
  bool accept(ReadMessage message, bool more_queued, const Sink<BatchMessage>& emit);

  double busy_seconds() const { return busy_seconds_; }
  // Padded samples (B x longest) less real samples, over the padded total, of every batch so far.
  double padding_waste() const;

 private:
  bool flush(const Sink<BatchMessage>& emit);

  BatchingConfig config_;
  std::vector<AudioPiece> window_;
  int64_t window_samples_ = 0;
  bool device_idle_ = false;  // a DeviceIdle arrived while the window was empty
  double busy_seconds_ = 0.0;
  int64_t padded_samples_ = 0;
  int64_t real_samples_ = 0;
};

}  // namespace w2v2
