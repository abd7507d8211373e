#pragma once

#include <vector>

namespace w2v2 {

// Greedy CTC output of one utterance: the emitted units and the frame where each one starts.
struct CtcHypothesis {
  std::vector<int> tokens;
  std::vector<int> frames;  // same length as tokens
};

}  // namespace w2v2
