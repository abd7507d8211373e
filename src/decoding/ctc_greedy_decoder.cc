#include "decoding/ctc_greedy_decoder.h"

#include <cmath>

#include "common/error.h"

namespace w2v2 {

std::vector<DecodedHypothesis> CtcGreedyDecoder::decode(const float* log_probs, int frames, int vocab) const {
  DecodedHypothesis best;
  best.alignment = best_path(log_probs, frames, vocab, &best.acoustic_score);
  best.score = best.acoustic_score;
  return {std::move(best)};
}

CtcHypothesis CtcGreedyDecoder::best_path(const float* log_probs, int frames, int vocab, double* path_log_prob) const {
  W2V2_CHECK(frames >= 0 && vocab > 0, "decode: invalid shape (", frames, ", ", vocab, ")");
  W2V2_CHECK(frames == 0 || log_probs != nullptr, "decode: null log-probabilities");
  CtcHypothesis hypothesis;
  int previous = -1;
  double run_probability = 0.0;  // sum over the current token's run
  double path = 0.0;
  auto close_run = [&](int end) {
    if (hypothesis.end_frames.size() < hypothesis.tokens.size()) {
      const int start = hypothesis.frames.back();
      hypothesis.end_frames.push_back(end);
      hypothesis.probabilities.push_back(static_cast<float>(run_probability / (end - start)));
    }
  };
  for (int t = 0; t < frames; ++t) {
    const float* row = log_probs + static_cast<size_t>(t) * vocab;
    int best = 0;
    for (int v = 1; v < vocab; ++v) {
      if (row[v] > row[best]) best = v;
    }
    path += row[best];
    if (best != previous) {
      close_run(t);  // the previous token's run (if one is open) ends here
      if (best != blank_id_) {
        hypothesis.tokens.push_back(best);
        hypothesis.frames.push_back(t);
        run_probability = 0.0;
      }
    }
    if (best != blank_id_) run_probability += std::exp(static_cast<double>(row[best]));
    previous = best;
  }
  close_run(frames);
  if (path_log_prob) *path_log_prob = path;
  return hypothesis;
}

}  // namespace w2v2
