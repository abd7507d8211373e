#pragma once

#include <vector>

#include "decoding/ctc_hypothesis.h"

namespace w2v2 {

// The most probable CTC alignment (Viterbi) of a given label sequence: where each token's run of frames
// starts and ends, and its mean probability over the run, as greedy decoding reports them. For greedy's own
// output this is greedy's path (the best path overall). `log_probs` (frames, vocab) row-major log-softmax.
// Throws Error when the labels cannot be aligned to the frames (too many, or zero probability).
CtcHypothesis ctc_force_align(const float* log_probs, int frames, int vocab, int blank_id,
                              const std::vector<int>& tokens);

}  // namespace w2v2
