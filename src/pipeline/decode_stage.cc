#include "pipeline/decode_stage.h"

namespace w2v2 {

DecodeStage::DecodeStage(const TranscriptBuilder& builder, const std::vector<Utterance>& inputs,
                         size_t keep_padded, TraceRecorder& trace)
    : builder_(builder), inputs_(inputs), keep_padded_(keep_padded), trace_(trace) {}

bool DecodeStage::accept(ComputedMessage message, const Sink<UtteranceResult>& emit) {
  if (std::holds_alternative<EndOfStream>(message)) return true;
  const auto t0 = PipelineClock::now();
  const bool failed = std::holds_alternative<FailedPiece>(message);
  AudioPiece piece = failed ? std::move(std::get<FailedPiece>(message).piece)
                            : std::move(std::get<ComputedPiece>(message).piece);
  UtteranceLogits logits;
  bool padded = false;
  if (!failed) {
    logits = std::move(std::get<ComputedPiece>(message).logits);
    padded = std::get<ComputedPiece>(message).padded;
  }
  if (piece.chunk_count > 0) {
    if (!assemble(piece, logits, failed)) return true;  // more pieces of this file to come
    padded = false;
  }
  UtteranceResult result = std::move(piece.result);
  if (result.status == UtteranceStatus::kOk) builder_.build(inputs_[piece.index], logits, result);
  if (keep_padded_ > 0 && padded && result.status == UtteranceStatus::kOk) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (padded_.size() < keep_padded_) padded_.emplace(result.index, PaddedSample{logits, result.text});
  }
  const auto t1 = PipelineClock::now();
  result.latency_seconds = std::chrono::duration<double>(t1 - piece.read_start).count();
  busy_.add(t0, t1);
  trace_.span("decode", t0, t1, result.id);
  return emit(std::move(result));
}

bool DecodeStage::assemble(AudioPiece& piece, UtteranceLogits& logits, bool failed) {
  std::lock_guard<std::mutex> lock(mutex_);
  Assembly& a = assemblies_[piece.index];
  a.parts.resize(piece.chunk_count);
  if (failed) {
    if (!a.failure) a.failure = piece.result;
  } else {
    a.parts[piece.chunk_index] = trim_chunk_logits(logits, piece.chunk);
  }
  if (++a.received < piece.chunk_count) return false;
  logits = concatenate_logits(a.parts);
  if (a.failure) {
    piece.result.status = a.failure->status;
    piece.result.error_stage = a.failure->error_stage;
    piece.result.error = a.failure->error;
  }
  assemblies_.erase(piece.index);
  return true;
}

std::map<size_t, PaddedSample> DecodeStage::take_padded() {
  std::lock_guard<std::mutex> lock(mutex_);
  return std::move(padded_);
}

}  // namespace w2v2
