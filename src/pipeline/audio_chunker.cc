#include "pipeline/audio_chunker.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "common/error.h"

namespace w2v2 {

void ChunkingConfig::validate() const {
  W2V2_CHECK_AS(ConfigError, chunk_seconds >= 0.0 && chunk_seconds <= 3600.0, "chunk seconds must be in 0..3600");
  W2V2_CHECK_AS(ConfigError, stride_seconds >= 0.0, "stride seconds must not be negative");
  W2V2_CHECK_AS(ConfigError, chunk_seconds == 0.0 || 2.0 * stride_seconds < chunk_seconds,
                "the stride on both sides (2 x ", stride_seconds, " s) must be shorter than the chunk (", chunk_seconds,
                " s)");
}

std::vector<AudioChunk> plan_chunks(int64_t num_samples, const ChunkingConfig& config, int sample_rate_hz) {
  const auto chunk = static_cast<int64_t>(std::llround(config.chunk_seconds * sample_rate_hz));
  const auto stride = static_cast<int64_t>(std::llround(config.stride_seconds * sample_rate_hz));
  if (chunk <= 0 || num_samples <= chunk) return {{0, num_samples, 0, 0}};
  const int64_t step = chunk - 2 * stride;
  W2V2_CHECK_AS(ConfigError, step > 0, "chunk minus twice the stride must be positive");
  std::vector<AudioChunk> out;
  for (int64_t start = 0; start < num_samples; start += step) {
    const int64_t end = std::min(start + chunk, num_samples);
    const bool last = start + chunk >= num_samples;
    AudioChunk c{start, end - start, start == 0 ? 0 : stride, last ? 0 : stride};
    if (c.length > c.left) out.push_back(c);
    if (last) break;
  }
  return out;
}

UtteranceLogits trim_chunk_logits(const UtteranceLogits& logits, const AudioChunk& chunk) {
  const int64_t t = logits.frames;
  if (chunk.length <= 0 || t == 0) return {0, logits.vocab, {}};
  const auto left = static_cast<int64_t>(std::llround(static_cast<double>(chunk.left) / chunk.length * t));
  const auto right = static_cast<int64_t>(std::llround(static_cast<double>(chunk.right) / chunk.length * t));
  const int64_t begin = std::min(left, t);
  const int64_t end = std::max(begin, t - right);
  UtteranceLogits out{end - begin, logits.vocab, {}};
  out.data.assign(logits.data.begin() + begin * logits.vocab, logits.data.begin() + end * logits.vocab);
  return out;
}

UtteranceLogits concatenate_logits(const std::vector<UtteranceLogits>& parts) {
  UtteranceLogits out;
  for (const auto& p : parts) {
    if (out.vocab == 0) out.vocab = p.vocab;
    W2V2_CHECK(p.vocab == out.vocab || p.frames == 0, "chunks disagree on the vocabulary size");
    out.frames += p.frames;
    out.data.insert(out.data.end(), p.data.begin(), p.data.end());
  }
  return out;
}

}  // namespace w2v2
