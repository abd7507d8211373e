#pragma once

#include <limits>
#include <string>
#include <vector>

namespace w2v2 {

struct BeamSearchConfig {
  int beam_size = 32;  // prefixes kept after each frame
  int token_top_k = 0;  // per frame, only the k likeliest non-blank tokens extend prefixes (0 = all)
  // Per frame, non-blank tokens below this log-probability do not extend prefixes (-inf = keep all).
  float token_min_log_prob = -std::numeric_limits<float>::infinity();
  double beam_threshold = 0.0;  // > 0: prefixes scoring below the frame's best minus this are dropped
  int nbest = 1;                // hypotheses returned, best first

  void validate() const;  // throws ConfigError
  std::string to_string() const;
};

// One decoded label sequence (blanks removed, repeats collapsed) and its log-probability: the log of the
// sum over every CTC alignment that collapses to it, as far as the beam kept them.
struct ScoredHypothesis {
  std::vector<int> tokens;
  double log_prob = 0.0;
};

// CTC prefix beam search (Hannun et al. 2014, without a language model yet): each prefix carries the
// probability of its alignments that end in a blank and of those that end in its last token, so that a
// repeated token is a new label only after a blank. Thread-safe (const); torch-free.
//
// With a beam wide enough to keep every prefix it returns the exact most probable label sequence (tested
// against enumerating all alignments). Note that beam 1 is not greedy decoding: it keeps the prefix with the
// largest total probability, greedy follows the likeliest frame.
class CtcPrefixBeamSearch {
 public:
  CtcPrefixBeamSearch(int blank_id, BeamSearchConfig config);

  // `log_probs` (frames, vocab) row-major log-softmax values; only the first `frames` rows are read. ->
  // up to `nbest` hypotheses, best first (the empty sequence included; never none).
  std::vector<ScoredHypothesis> decode(const float* log_probs, int frames, int vocab) const;

 private:
  int blank_id_;
  BeamSearchConfig config_;
};

}  // namespace w2v2
