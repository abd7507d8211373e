#include "decoding/ctc_forced_aligner.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "common/error.h"

namespace w2v2 {
namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// Viterbi over the CTC states of a label sequence: 0..2L, even = blank, 2k+1 = tokens[k]. Memory grows with
// sqrt(frames) x states, not frames x states (a 20-minute file has ~60,000 frames and ~36,000 states): the
// forward pass keeps the score vector every `stride` frames, and the backward trace recomputes one stretch
// of back-pointers at a time.
class ViterbiAligner {
 public:
  ViterbiAligner(const float* log_probs, int frames, int vocab, int blank_id, const std::vector<int>& tokens)
      : lp_(log_probs), frames_(frames), vocab_(vocab), blank_(blank_id), tokens_(tokens),
        states_(2 * static_cast<int>(tokens.size()) + 1) {}

  int label(int s) const { return s % 2 == 0 ? blank_ : tokens_[static_cast<size_t>(s / 2)]; }

  // One frame: `next` from `best` at frame t (t >= 1); back-pointers (0 stay, 1 or 2 states back) to `back`.
  void step(int t, const std::vector<float>& best, std::vector<float>& next, int8_t* back) const {
    const float* row = lp_ + static_cast<size_t>(t) * vocab_;
    // States that can still reach the end, and that the start can have reached.
    const int lo = std::max(0, states_ - 2 * (frames_ - t)), hi = std::min(states_ - 1, 2 * t + 1);
    std::fill(next.begin(), next.end(), kNegInf);
    for (int s = lo; s <= hi; ++s) {
      float v = best[static_cast<size_t>(s)];
      int8_t from = 0;
      if (s >= 1 && best[static_cast<size_t>(s - 1)] > v) v = best[static_cast<size_t>(s - 1)], from = 1;
      if (s >= 2 && s % 2 == 1 && label(s) != label(s - 2) && best[static_cast<size_t>(s - 2)] > v) {
        v = best[static_cast<size_t>(s - 2)], from = 2;
      }
      next[static_cast<size_t>(s)] = v + row[label(s)];
      if (back) back[s] = from;
    }
  }

  // The state of every frame on the best path.
  std::vector<int> path() const {
    const int stride = std::max(1, static_cast<int>(std::ceil(std::sqrt(static_cast<double>(frames_)))));
    std::vector<std::vector<float>> checkpoints;  // score vectors at frames 0, stride, 2 stride, ...
    std::vector<float> best(static_cast<size_t>(states_), kNegInf), next(best.size());
    best[0] = lp_[blank_];
    if (states_ > 1) best[1] = lp_[tokens_[0]];
    for (int t = 1; t < frames_; ++t) {
      if ((t - 1) % stride == 0) checkpoints.push_back(best);  // the scores at frame t - 1
      step(t, best, next, nullptr);
      best.swap(next);
    }
    int s = best[static_cast<size_t>(states_ - 1)] >= best[static_cast<size_t>(states_ - 2)] ? states_ - 1 : states_ - 2;
    W2V2_CHECK(best[static_cast<size_t>(s)] > kNegInf, "CTC alignment: ", tokens_.size(),
               " labels cannot be aligned to ", frames_, " frames");
    std::vector<int> state_at(static_cast<size_t>(frames_));
    std::vector<int8_t> back;
    // Stretches [begin + 1, end] of frames, last first, from the checkpoint at `begin`.
    for (int c = static_cast<int>(checkpoints.size()) - 1; c >= 0; --c) {
      const int begin = c * stride, end = std::min(frames_ - 1, begin + stride);
      back.assign(static_cast<size_t>(end - begin) * states_, 0);
      std::vector<float> b = checkpoints[static_cast<size_t>(c)];
      for (int t = begin + 1; t <= end; ++t) {
        step(t, b, next, back.data() + static_cast<size_t>(t - begin - 1) * states_);
        b.swap(next);
      }
      for (int t = end; t > begin; --t) {
        state_at[static_cast<size_t>(t)] = s;
        s -= back[static_cast<size_t>(t - begin - 1) * states_ + s];
      }
    }
    state_at[0] = s;
    return state_at;
  }

 private:
  const float* lp_;
  int frames_, vocab_, blank_;
  const std::vector<int>& tokens_;
  int states_;
};

}  // namespace

CtcHypothesis ctc_force_align(const float* log_probs, int frames, int vocab, int blank_id,
                              const std::vector<int>& tokens) {
  CtcHypothesis out;
  out.tokens = tokens;
  const int labels = static_cast<int>(tokens.size());
  if (labels == 0) return out;
  W2V2_CHECK(frames > 0, "CTC alignment: ", labels, " labels cannot be aligned to 0 frames");
  const std::vector<int> state_at = ViterbiAligner(log_probs, frames, vocab, blank_id, tokens).path();
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
