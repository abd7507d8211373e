#include "decoding/ctc_greedy_decoder.h"

#include "common/error.h"

namespace w2v2 {

CtcHypothesis CtcGreedyDecoder::decode(const float* logits, int frames, int vocab) const {
  W2V2_CHECK(frames >= 0 && vocab > 0, "decode: invalid shape (", frames, ", ", vocab, ")");
  W2V2_CHECK(frames == 0 || logits != nullptr, "decode: null logits");
  CtcHypothesis hypothesis;
  int previous = -1;
  for (int t = 0; t < frames; ++t) {
    const float* row = logits + static_cast<size_t>(t) * vocab;
    int best = 0;
    for (int v = 1; v < vocab; ++v) {
      if (row[v] > row[best]) best = v;
    }
    if (best != previous && best != blank_id_) {
      hypothesis.tokens.push_back(best);
      hypothesis.frames.push_back(t);
    }
    previous = best;
  }
  return hypothesis;
}

}  // namespace w2v2
