#pragma once

#include <vector>

#include "decoding/ctc_decoder.h"
#include "decoding/ctc_hypothesis.h"

namespace w2v2 {

// Best-path CTC decoding: argmax per frame, collapse repeats, drop blanks.
class CtcGreedyDecoder : public CtcDecoder {
 public:
  explicit CtcGreedyDecoder(int blank_id) : blank_id_(blank_id) {}

  // One hypothesis: the best path, scored by its log-probability (the sum of each frame's best log-prob;
  // acoustic_score the same, lm_score 0).
  std::vector<DecodedHypothesis> decode(const float* log_probs, int frames, int vocab) const override;

  // The best path alone. `log_probs` (frames, vocab) float32 row-major log-softmax values (the argmax of raw
  // logits is the same, but `probabilities` are exp(log_prob) and mean something only for log-softmax input).
  // Only the first `frames` rows are read, so padded frames of a batch are never decoded. `path_log_prob`,
  // when given, receives the path's log-probability.
  CtcHypothesis best_path(const float* log_probs, int frames, int vocab, double* path_log_prob = nullptr) const;

 private:
  int blank_id_;
};

}  // namespace w2v2
