#include "engine/batch_engine.h"

#include <exception>
#include <stdexcept>
#include <utility>

namespace w2v2 {

CompletedBatch::CompletedBatch(std::vector<UtteranceLogits> logits, DeviceSpan span)
    : logits_(std::move(logits)), span_(span) {}

CompletedBatch::CompletedBatch(std::exception_ptr error, DeviceSpan span) : error_(std::move(error)), span_(span) {}

std::vector<UtteranceLogits> CompletedBatch::wait() {
  if (collected_) throw std::logic_error("a batch's logits were collected twice");
  collected_ = true;
  if (error_) std::rethrow_exception(error_);
  return std::move(logits_);
}

std::unique_ptr<PendingBatch> BatchEngine::submit(const std::vector<const std::vector<float>*>& waveforms) const {
  DeviceSpan span;
  span.start = std::chrono::steady_clock::now();
  try {
    std::vector<UtteranceLogits> logits = run(waveforms);
    span.end = std::chrono::steady_clock::now();
    return std::make_unique<CompletedBatch>(std::move(logits), span);
  } catch (...) {
    span.end = std::chrono::steady_clock::now();
    return std::make_unique<CompletedBatch>(std::current_exception(), span);
  }
}

}  // namespace w2v2
