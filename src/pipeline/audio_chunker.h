#pragma once

#include <cstdint>
#include <vector>

#include "engine/batch_engine.h"

namespace w2v2 {

// Long-audio settings (the Hugging Face ASR pipeline's chunk_length_s / stride_length_s semantics).
struct ChunkingConfig {
  double chunk_seconds = 30.0;  // files longer than this are split; 0 = never
  double stride_seconds = 5.0;  // context on each side of a chunk whose logits are dropped

  void validate() const;  // stride on both sides must leave a positive step
};

// One piece of a long file: samples [start, start + length), of which `left` samples at the start and
// `right` at the end are context only.
struct AudioChunk {
  int64_t start = 0;
  int64_t length = 0;
  int64_t left = 0;
  int64_t right = 0;
};

// The chunks of a file of `num_samples`: starts advance by chunk - 2 x stride; the first chunk has no left
// context, the last (the one reaching the end) no right context; a trailing piece no longer than its left
// context is not emitted. A file no longer than one chunk gives one chunk without context.
std::vector<AudioChunk> plan_chunks(int64_t num_samples, const ChunkingConfig& config, int sample_rate_hz);

// The logits of a chunk without its context frames: left/right frames = round(context / length x frames).
UtteranceLogits trim_chunk_logits(const UtteranceLogits& logits, const AudioChunk& chunk);

// Chunks' trimmed logits, concatenated in order (frames, vocab).
UtteranceLogits concatenate_logits(const std::vector<UtteranceLogits>& parts);

}  // namespace w2v2
