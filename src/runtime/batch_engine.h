#pragma once

#include <cstdint>
#include <vector>

namespace w2v2 {

// Logits of one utterance, valid frames only: (frames, vocab) float32 row-major.
struct UtteranceLogits {
  int64_t frames = 0;
  int64_t vocab = 0;
  std::vector<float> data;
};

// Runs batches of normalized 16 kHz waveforms through a model. The pipeline talks to this interface,
// so its tests can use a scripted engine and need no LibTorch.
class BatchEngine {
 public:
  virtual ~BatchEngine() = default;
  // -> per-utterance logits, in the same order; utterances too short for one frame give 0 frames.
  virtual std::vector<UtteranceLogits> run(const std::vector<const std::vector<float>*>& waveforms) const = 0;
};

}  // namespace w2v2
