#pragma once

#include "decoding/ctc_hypothesis.h"

namespace w2v2 {

// Best-path CTC decoding: argmax per frame, collapse repeats, drop blanks.
class CtcGreedyDecoder {
 public:
  explicit CtcGreedyDecoder(int blank_id) : blank_id_(blank_id) {}

  // `logits` (frames, vocab) float32 row-major; scores or log-probabilities (argmax is the same).
  // Only the first `frames` rows are read, so padded frames of a batch are never decoded.
  CtcHypothesis decode(const float* logits, int frames, int vocab) const;

 private:
  int blank_id_;
};

}  // namespace w2v2
