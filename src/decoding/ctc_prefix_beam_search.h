#pragma once

#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "decoding/ctc_decoder.h"
#include "decoding/word_scorer.h"

namespace w2v2 {

struct BeamSearchConfig {
  int beam_size = 32;  // hypotheses kept after each frame
  int token_top_k = 0;  // per frame, only the k likeliest non-blank tokens extend prefixes (0 = all)
  // Per frame, non-blank tokens below this log-probability do not extend prefixes (-inf = keep all).
  // (The frame's likeliest token always may: at beam 1 the search follows the best path.)
  // -10, not pyctcdecode's -5, which pruned units the LM wanted (chosen on the default model's two dev sets,
  // models/default/README.md: their WER 10.03/15.10 % -> 9.76/13.87 %).
  float token_min_log_prob = -10.0f;
  double beam_threshold = 10.0;  // > 0: hypotheses scoring below the frame's best minus this are dropped (0 = off)
  int nbest = 1;                // hypotheses returned, best first
  // The prefix tree is compacted to the beam's ancestry whenever it has grown past twice its last compacted
  // size plus this many nodes (memory stays ~ the transcript's length, not beam x frames). Results do not
  // depend on it (tested).
  int compaction_nodes = 1 << 16;

  void validate() const;  // throws ConfigError
  std::string to_string() const;
};

// CTC prefix beam search (Hannun et al. 2014) over units, optionally scored word by word (WordScorer: an
// n-gram LM, a lexicon, hotwords). Each hypothesis is a prefix in a prefix tree plus how its alignments end
// (in a blank, or in its last unit: a repeated unit is a new label only after a blank); the log-probabilities
// of alignments reaching the same hypothesis are summed. As in pyctcdecode, the beam keeps the best
// `beam_size` of these (prefix, ending) hypotheses, so beam 1 is exactly greedy decoding (the best path) and
// a beam wide enough to keep every prefix returns the exact most probable label sequence (both tested).
// Results: distinct transcripts (of prefixes that read the same, such as "A|" and "A", the best), best first, each aligned to
// the frames by Viterbi for word timings. Thread-safe (const); torch-free.
class CtcPrefixBeamSearch : public CtcDecoder {
 public:
  // `scorer` may be null (acoustic scores only).
  CtcPrefixBeamSearch(int blank_id, BeamSearchConfig config, std::shared_ptr<const WordScorer> scorer = nullptr);

  std::vector<DecodedHypothesis> decode(const float* log_probs, int frames, int vocab) const override;

  const BeamSearchConfig& config() const { return config_; }

 private:
  int blank_id_;
  BeamSearchConfig config_;
  std::shared_ptr<const WordScorer> scorer_;  // spells units (n-best de-duplication); scores words when it can
  std::vector<UnitSpelling> spellings_;
  bool score_words_ = false;
};

}  // namespace w2v2
