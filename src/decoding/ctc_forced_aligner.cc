#include "decoding/ctc_forced_aligner.h"

#include <cmath>
#include <cstdint>
#include <limits>

#include "common/error.h"

namespace w2v2 {

CtcHypothesis ctc_force_align(const float* log_probs, int frames, int vocab, int blank_id,
                              const std::vector<int>& tokens) {
  constexpr double kNegInf = -std::numeric_limits<double>::infinity();
  CtcHypothesis out;
  out.tokens = tokens;
  const int labels = static_cast<int>(tokens.size());
  if (labels == 0) return out;
  // States 0..2L: even = blank, odd 2k+1 = tokens[k]. best[s]: best log-prob of a path ending in state s.
  const int states = 2 * labels + 1;
  auto label = [&](int s) { return s % 2 == 0 ? blank_id : tokens[static_cast<size_t>(s / 2)]; };
  std::vector<double> best(static_cast<size_t>(states), kNegInf), next(best.size());
  std::vector<int8_t> step(static_cast<size_t>(frames) * static_cast<size_t>(states), 0);  // 0 stay, 1 or 2 back
  best[0] = log_probs[blank_id];
  if (frames > 0) best[1] = log_probs[tokens[0]];
  for (int t = 1; t < frames; ++t) {
    const float* row = log_probs + static_cast<size_t>(t) * vocab;
    int8_t* back = step.data() + static_cast<size_t>(t) * states;
    for (int s = 0; s < states; ++s) {
      double v = best[static_cast<size_t>(s)];
      int8_t from = 0;
      if (s >= 1 && best[static_cast<size_t>(s - 1)] > v) v = best[static_cast<size_t>(s - 1)], from = 1;
      if (s >= 2 && s % 2 == 1 && label(s) != label(s - 2) && best[static_cast<size_t>(s - 2)] > v) {
        v = best[static_cast<size_t>(s - 2)], from = 2;
      }
      next[static_cast<size_t>(s)] = v + row[label(s)];
      back[s] = from;
    }
    best.swap(next);
  }
  int s = best[static_cast<size_t>(states - 1)] >= best[static_cast<size_t>(states - 2)] ? states - 1 : states - 2;
  W2V2_CHECK(frames > 0 && best[static_cast<size_t>(s)] > kNegInf, "CTC alignment: ", labels,
             " labels cannot be aligned to ", frames, " frames");
  // Walk back: the state of every frame.
  std::vector<int> state_at(static_cast<size_t>(frames));
  for (int t = frames - 1; t >= 0; --t) {
    state_at[static_cast<size_t>(t)] = s;
    if (t > 0) s -= step[static_cast<size_t>(t) * states + s];
  }
  out.frames.assign(static_cast<size_t>(labels), -1);
  out.end_frames.assign(static_cast<size_t>(labels), -1);
  std::vector<double> sum(static_cast<size_t>(labels), 0.0);
  for (int t = 0; t < frames; ++t) {
    const int st = state_at[static_cast<size_t>(t)];
    if (st % 2 == 0) continue;
    const size_t k = static_cast<size_t>(st / 2);
    if (out.frames[k] < 0) out.frames[k] = t;
    out.end_frames[k] = t + 1;
    sum[k] += std::exp(static_cast<double>(log_probs[static_cast<size_t>(t) * vocab + tokens[k]]));
  }
  out.probabilities.resize(static_cast<size_t>(labels));
  for (size_t k = 0; k < static_cast<size_t>(labels); ++k) {
    out.probabilities[k] = static_cast<float>(sum[k] / (out.end_frames[k] - out.frames[k]));
  }
  return out;
}

}  // namespace w2v2
