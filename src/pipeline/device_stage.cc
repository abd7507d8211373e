#include "pipeline/device_stage.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>

#include "common/error.h"

namespace w2v2 {
namespace {

using Waveforms = std::vector<const std::vector<float>*>;

// What the engine gave one piece of a batch: its logits, or why it failed.
struct Outcome {
  UtteranceLogits logits;
  std::string error;
};

void run_isolating(const BatchEngine& engine, const Waveforms& waveforms, size_t begin, size_t end,
                   std::vector<Outcome>& out, size_t& splits);

// waveforms[begin, end) failed as one batch with `error`: a single piece keeps the error; a larger batch is
// split in halves and each is retried, so an oversized batch still completes and a bad piece fails alone.
void isolate_failure(const BatchEngine& engine, const Waveforms& waveforms, size_t begin, size_t end,
                     const std::string& error, std::vector<Outcome>& out, size_t& splits) {
  if (end - begin == 1) {
    out[begin].error = error;
    return;
  }
  ++splits;
  spdlog::warn("a batch of {} failed ({}); retrying it in halves", end - begin, error_summary(error));
  const size_t mid = begin + (end - begin) / 2;
  run_isolating(engine, waveforms, begin, mid, out, splits);
  run_isolating(engine, waveforms, mid, end, out, splits);
}

// Runs waveforms[begin, end) as one batch; when that fails (out of memory, an input the model rejects),
// isolates the failure.
void run_isolating(const BatchEngine& engine, const Waveforms& waveforms, size_t begin, size_t end,
                   std::vector<Outcome>& out, size_t& splits) {
  const Waveforms part(waveforms.begin() + static_cast<std::ptrdiff_t>(begin),
                       waveforms.begin() + static_cast<std::ptrdiff_t>(end));
  try {
    std::vector<UtteranceLogits> logits = engine.run(part);
    W2V2_CHECK(logits.size() == part.size(), "engine returned ", logits.size(), " results for ", part.size(), " inputs");
    for (size_t k = 0; k < part.size(); ++k) out[begin + k].logits = std::move(logits[k]);
  } catch (const std::exception& e) {
    isolate_failure(engine, waveforms, begin, end, e.what(), out, splits);
  }
}

}  // namespace

DeviceStage::DeviceStage(const BatchEngine& engine, size_t depth, TraceRecorder& trace,
                         PipelineClock::time_point start)
    : engine_(engine),
      depth_(std::max<size_t>(1, depth)),
      trace_(trace),
      gpu_(engine.device().is_gpu()),
      device_free_(start) {}

bool DeviceStage::accept(BatchMessage message, const Sink<ComputedMessage>& emit) {
  if (auto* failed = std::get_if<FailedPiece>(&message)) return emit(std::move(*failed));
  if (std::holds_alternative<EndOfStream>(message)) {
    for (; !in_flight_.empty(); in_flight_.pop_front()) {
      if (!collect(in_flight_.front(), emit)) return false;
    }
    return emit(EndOfStream{});
  }
  return submit(std::move(std::get<Batch>(message)), emit);
}

bool DeviceStage::submit(Batch batch, const Sink<ComputedMessage>& emit) {
  InFlight f{std::move(batch), {}, nullptr, {}};
  for (const auto& item : f.batch.items) f.waveforms.push_back(&item.samples);
  const auto s0 = PipelineClock::now();
  try {
    f.pending = engine_.submit(f.waveforms);
  } catch (const std::exception& e) {
    f.error = e.what();
  }
  if (gpu_) trace_.span("stage", s0, PipelineClock::now(), "batch of " + std::to_string(f.waveforms.size()));
  in_flight_.push_back(std::move(f));
  // Collect the oldest once `depth_` are queued, and at once a batch that could not be submitted.
  while (in_flight_.size() >= depth_ || (!in_flight_.empty() && !in_flight_.back().pending)) {
    if (!collect(in_flight_.front(), emit)) return false;
    in_flight_.pop_front();
  }
  return true;
}

bool DeviceStage::collect(InFlight& f, const Sink<ComputedMessage>& emit) {
  const size_t n = f.waveforms.size();
  std::vector<Outcome> outcomes(n);
  DeviceSpan span{};
  const auto c0 = PipelineClock::now();
  std::string error = f.error;
  if (f.pending) {
    try {
      std::vector<UtteranceLogits> logits = f.pending->wait();
      W2V2_CHECK(logits.size() == n, "engine returned ", logits.size(), " results for ", n, " inputs");
      for (size_t k = 0; k < n; ++k) outcomes[k].logits = std::move(logits[k]);
      span = f.pending->device_span();
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  if (!error.empty()) {
    span.start = PipelineClock::now();
    isolate_failure(engine_, f.waveforms, 0, n, error, outcomes, splits_);
    span.end = PipelineClock::now();
  }
  account(span, n, c0);
  size_t longest = 0;
  for (const auto* w : f.waveforms) longest = std::max(longest, w->size());
  for (size_t k = 0; k < n; ++k) {
    AudioPiece& piece = f.batch.items[k];
    const bool padded = piece.samples.size() < longest;
    piece.samples = {};  // the waveform is done with: free it here rather than downstream
    bool sent;
    if (!outcomes[k].error.empty()) {
      mark_failed(piece.result, FailureStage::kModel, outcomes[k].error);
      sent = emit(FailedPiece{std::move(piece)});
    } else {
      sent = emit(ComputedPiece{std::move(piece), std::move(outcomes[k].logits), padded});
    }
    if (!sent) return false;
  }
  return true;
}

void DeviceStage::account(const DeviceSpan& span, size_t size, PipelineClock::time_point collect_start) {
  if (gpu_) trace_.span("collect", collect_start, PipelineClock::now());
  busy_seconds_ += span.seconds();
  if (span.start > device_free_) wait_seconds_ += std::chrono::duration<double>(span.start - device_free_).count();
  device_free_ = std::max(device_free_, span.end);
  ++batches_;
  const std::string detail = "batch of " + std::to_string(size);
  if (gpu_) {
    trace_.span_on("gpu", "forward", span.start, span.end, detail);
  } else {
    trace_.span("forward", span.start, span.end, detail);
  }
}

}  // namespace w2v2
