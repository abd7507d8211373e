#include "decoding/ctc_greedy_decoder.h"

#include <cmath>

#include "common/error.h"

namespace w2v2 {

CtcHypothesis CtcGreedyDecoder::decode(const float* logits, int frames, int vocab) const {
  W2V2_CHECK(frames >= 0 && vocab > 0, "decode: invalid shape (", frames, ", ", vocab, ")");
  W2V2_CHECK(frames == 0 || logits != nullptr, "decode: null logits");
  CtcHypothesis hypothesis;
  int previous = -1;
  double run_probability = 0.0;  // sum over the current token's run
  auto close_run = [&](int end) {
    if (hypothesis.end_frames.size() < hypothesis.tokens.size()) {
      const int start = hypothesis.frames.back();
      hypothesis.end_frames.push_back(end);
      hypothesis.probabilities.push_back(static_cast<float>(run_probability / (end - start)));
    }
  };
  for (int t = 0; t < frames; ++t) {
    const float* row = logits + static_cast<size_t>(t) * vocab;
    int best = 0;
    for (int v = 1; v < vocab; ++v) {
      if (row[v] > row[best]) best = v;
    }
    if (best != previous) {
      close_run(t);  // the previous token's run (if one is open) ends here
      if (best != blank_id_) {
        hypothesis.tokens.push_back(best);
        hypothesis.frames.push_back(t);
        run_probability = 0.0;
      }
    }
    if (best != blank_id_) {
      // softmax probability of the argmax: 1 / sum_v exp(row[v] - row[best])
      double denominator = 0.0;
      for (int v = 0; v < vocab; ++v) denominator += std::exp(static_cast<double>(row[v] - row[best]));
      run_probability += 1.0 / denominator;
    }
    previous = best;
  }
  close_run(frames);
  return hypothesis;
}

}  // namespace w2v2
