#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "decoding/hotword_graph.h"
#include "decoding/spelling_trie.h"
#include "lm/language_model.h"
#include "text/unit_spelling.h"

namespace w2v2 {

struct WordScorerConfig {
  double lm_weight = 0.5;          // alpha: weight of ln P_LM
  double word_score = 1.0;         // beta: added per word (with an LM)
  double unk_score_offset = -10.0; // added to the log10 score of a word the LM lacks (hotwords excepted)
  bool score_boundary = true;      // start at <s>, end with </s>
  bool lookahead = true;           // a word in progress scores as the best unigram it can still become
};

// What a hypothesis has spelled, as the word-level scorers see it. All scores are natural-log terms added
// to the acoustic log-probability.
struct WordState {
  LmState lm;                 // after the completed words
  int32_t trie = SpellingTrie::kRoot;  // the word in progress in the spelling trie; kNone: it left the trie
  int32_t hotword = 0;        // HotwordGraph state
  uint32_t partial_bytes = 0; // bytes of the word in progress
  bool dead = false;          // spelled a word outside the lexicon
  double words = 0.0;         // completed words: alpha ln P + beta (+ unknown-word offset)
  double lookahead = 0.0;     // the word in progress (replaced when it completes)
  double hotwords_done = 0.0; // completed hotword phrases
  double hotword_partial = 0.0;

  double total() const { return words + lookahead + hotwords_done + hotword_partial; }
};

// Scores label sequences word by word for the beam search: an n-gram LM (alpha, beta, unknown-word offset,
// lookahead through a spelling trie of its unigrams, <s> ... </s>), a lexicon that restricts the words, and
// hotword boosts. Units are spelled by `spellings` (UnitSpelling per unit id). Immutable, thread-safe.
class WordScorer {
 public:
  // `lm` may be null (no LM). `lexicon`: when non-empty, the only words allowed (spelled as the model's
  // units spell them). `hotwords` may be null; `hotword_words`, the words of its phrases, are always allowed
  // and free of the unknown-word offset. Every other word the LM lacks, lexicon words included, scores as
  // <unk> plus the offset (as pyctcdecode has it: an ARPA's <unk> can be likelier than most words).
  WordScorer(std::vector<UnitSpelling> spellings, std::shared_ptr<const LanguageModel> lm, WordScorerConfig config,
             const std::vector<std::string>& lexicon = {}, std::shared_ptr<const HotwordGraph> hotwords = nullptr,
             const std::vector<std::string>& hotword_words = {});

  WordState initial() const;
  // The state after unit `unit` is appended (a blank or silent unit changes nothing).
  void extend(const WordState& in, int unit, WordState& out) const;
  // The state at the end of the transcript: the word in progress completes, then </s>.
  void finish(const WordState& in, WordState& out) const;

  // An upper bound of how much appending `unit` can raise a prefix's word-level score: 0 for silent units,
  // +inf for units that complete a word (the LM may like the word better than the lookahead did), a small
  // bound for pieces inside a word (hotword shares, an unknown-word penalty above a rare word's lookahead).
  // The beam search skips extensions that cannot reach its beam with it.
  double max_gain(int unit) const {
    return unit >= 0 && static_cast<size_t>(unit) < max_gain_.size() ? max_gain_[static_cast<size_t>(unit)] : 0.0;
  }

  bool scores_anything() const { return lm_ != nullptr || restricted_ || hotwords_ != nullptr; }
  const SpellingTrie* trie() const { return trie_.get(); }
  const std::vector<UnitSpelling>& spellings() const { return spellings_; }

 private:
  void feed_byte(WordState& state, unsigned char byte) const;
  void complete_word(WordState& state) const;
  double lookahead_of(int trie_node) const;
  void compute_max_gains();

  std::vector<UnitSpelling> spellings_;
  std::shared_ptr<const LanguageModel> lm_;
  WordScorerConfig config_;
  std::unique_ptr<SpellingTrie> trie_;  // the known words: LM unigrams or the lexicon, and hotword words
  bool restricted_ = false;             // a lexicon: words outside the trie are not allowed
  std::shared_ptr<const HotwordGraph> hotwords_;
  double ln10_alpha_;
  std::vector<double> max_gain_;  // per unit
};

}  // namespace w2v2
