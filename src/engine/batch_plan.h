#pragma once

#include <cstdint>
#include <vector>

#include "checkpoint/wav2vec2_config.h"
#include "engine/batch_engine.h"

namespace w2v2 {

// Which members of a batch the model runs and how long the padded batch is. Utterances too short for one
// output frame are answered without the model (0 frames).
struct BatchPlan {
  std::vector<UtteranceLogits> results;  // one per input: vocab set, frames = valid output frames (0: too short)
  std::vector<size_t> runnable;          // inputs the model runs, in batch-row order
  int64_t samples = 0;                   // padded length: the longest runnable input

  static BatchPlan of(const Wav2Vec2Config& config, const std::vector<const std::vector<float>*>& waveforms);
  int64_t rows() const { return static_cast<int64_t>(runnable.size()); }
};

}  // namespace w2v2
