#include "pipeline/batcher_stage.h"

#include <algorithm>

namespace w2v2 {

BatcherStage::BatcherStage(BatchingConfig config) : config_(std::move(config)) {}

bool BatcherStage::accept(ReadMessage message, bool more_queued, const Sink<BatchMessage>& emit) {
  if (auto* failed = std::get_if<FailedPiece>(&message)) return emit(std::move(*failed));
  if (std::holds_alternative<EndOfStream>(message)) return flush(emit) && emit(EndOfStream{});
  if (std::holds_alternative<DeviceIdle>(message)) {
    if (window_.empty()) {
      device_idle_ = true;  // batch the next piece at once
      return true;
    }
    return flush(emit);
  }
  AudioPiece& piece = std::get<AudioPiece>(message);
  window_samples_ += static_cast<int64_t>(piece.samples.size());
  window_.push_back(std::move(piece));
  const bool full = config_.window_full(window_.size(), window_samples_);
  if (full || (device_idle_ && !more_queued)) return flush(emit);
  return true;
}

bool BatcherStage::flush(const Sink<BatchMessage>& emit) {
  device_idle_ = false;
  if (window_.empty()) return true;
  const auto t0 = PipelineClock::now();
  std::vector<int64_t> lengths;
  for (const auto& piece : window_) lengths.push_back(static_cast<int64_t>(piece.samples.size()));
  const auto groups = make_batches(lengths, config_);
  busy_seconds_ += std::chrono::duration<double>(PipelineClock::now() - t0).count();
  bool open = true;
  for (const auto& group : groups) {
    Batch batch;
    int64_t longest = 0;
    for (size_t k : group) {
      longest = std::max(longest, lengths[k]);
      real_samples_ += lengths[k];
      batch.items.push_back(std::move(window_[k]));
    }
    padded_samples_ += longest * static_cast<int64_t>(group.size());
    if (open) open = emit(std::move(batch));
  }
  window_.clear();
  window_samples_ = 0;
  return open;
}

double BatcherStage::padding_waste() const {
  return padded_samples_ > 0 ? static_cast<double>(padded_samples_ - real_samples_) / padded_samples_ : 0.0;
}

}  // namespace w2v2
