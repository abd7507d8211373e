#pragma once

#include <vector>

namespace w2v2 {

// Greedy CTC output of one utterance: the emitted units, where each one's run of frames starts and ends,
// and how sure the model was on those frames.
struct CtcHypothesis {
  std::vector<int> tokens;
  std::vector<int> frames;             // first frame of each token's run (same length as tokens)
  std::vector<int> end_frames;         // one past its last frame
  std::vector<float> probabilities;    // mean softmax probability of the token over its run
};

}  // namespace w2v2
