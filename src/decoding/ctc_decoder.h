#pragma once

#include <vector>

#include "decoding/ctc_hypothesis.h"

namespace w2v2 {

// One decoded transcript candidate: its units with their CTC alignment (CtcHypothesis: tokens, the first
// and one-past-last frame of each token's run, mean probability over the run), and its scores.
struct DecodedHypothesis {
  CtcHypothesis alignment;
  double score = 0.0;           // what the decoder ranked by: acoustic + LM + word and hotword terms (natural log)
  double acoustic_score = 0.0;  // log P(units | audio) summed over the alignments the decoder kept (natural log)
  double lm_score = 0.0;        // the language model's part of `score` (alpha * ln P + beta * words), 0 without one
};

// Decodes one utterance's CTC output. Implementations are immutable after construction and thread-safe
// (const): one instance serves the whole decode pool. Torch-free.
class CtcDecoder {
 public:
  virtual ~CtcDecoder() = default;

  // `log_probs` (frames, vocab) float32 row-major log-softmax values; only the first `frames` rows are read
  // (padded frames of a batch are never decoded). -> best first, at least one (possibly with no units).
  virtual std::vector<DecodedHypothesis> decode(const float* log_probs, int frames, int vocab) const = 0;
};

}  // namespace w2v2
