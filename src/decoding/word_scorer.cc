#include "decoding/word_scorer.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/error.h"

namespace w2v2 {

WordScorer::WordScorer(std::vector<UnitSpelling> spellings, std::shared_ptr<const LanguageModel> lm,
                       WordScorerConfig config, const std::vector<std::string>& lexicon,
                       std::shared_ptr<const HotwordGraph> hotwords, const std::vector<std::string>& hotword_words)
    : spellings_(std::move(spellings)),
      lm_(std::move(lm)),
      config_(config),
      hotwords_(std::move(hotwords)),
      ln10_alpha_(std::log(10.0) * config.lm_weight) {
  W2V2_CHECK_AS(ConfigError, std::isfinite(config_.lm_weight) && std::isfinite(config_.word_score) &&
                                 std::isfinite(config_.unk_score_offset),
                "LM weight, word score and unknown-word offset must be finite");
  W2V2_CHECK_AS(ConfigError, config_.lm_weight >= 0 && config_.unk_score_offset <= 0,
                "the LM weight must be >= 0 and the unknown-word offset <= 0");
  restricted_ = !lexicon.empty();
  if (!restricted_ && !lm_ && !hotwords_) {  // nothing to spell words against
    compute_max_gains();
    return;
  }
  trie_ = std::make_unique<SpellingTrie>();
  const LmState none = lm_ ? lm_->null_context_state() : LmState{};
  auto insert = [&](const std::string& word, bool exempt) {
    LmWordId id = kLmUnknownWord;
    float log10_prob = 0.0f;
    if (lm_) {
      id = lm_->word_id(word);
      LmState ignored;
      log10_prob = lm_->score(none, id, ignored);  // its unigram probability (<unk>'s when unknown)
      if (id == kLmUnknownWord && !exempt) log10_prob += static_cast<float>(config_.unk_score_offset);
    }
    trie_->insert(word, id, log10_prob, exempt);
  };
  if (restricted_) {
    for (const std::string& word : lexicon) insert(word, false);
  } else if (lm_) {
    lm_->for_each_unigram([&](std::string_view word, float log10_prob) {
      trie_->insert(word, lm_->word_id(word), log10_prob);
    });
  }
  for (const std::string& word : hotword_words) insert(word, true);
  trie_->finalize();
  compute_max_gains();
}

void WordScorer::compute_max_gains() {
  double piece_gain = 0.0;
  if (hotwords_) piece_gain += hotwords_->max_boost();
  if (lm_ && trie_ && !restricted_) {  // from a rare word's lookahead to the unknown-word penalty
    float rarest = 0.0f;
    for (size_t n = 0; n < trie_->size(); ++n) rarest = std::min(rarest, trie_->best_log10(static_cast<int>(n)));
    if (config_.lookahead) piece_gain += std::max(0.0, ln10_alpha_ * (config_.unk_score_offset - rarest));
  }
  constexpr double kInf = std::numeric_limits<double>::infinity();
  max_gain_.assign(spellings_.size(), 0.0);
  for (size_t u = 0; u < spellings_.size(); ++u) {
    const UnitSpelling& unit = spellings_[u];
    if (unit.kind == UnitSpelling::Kind::kWordBoundary) max_gain_[u] = kInf;
    if (unit.kind != UnitSpelling::Kind::kPiece) continue;
    const bool completes = unit.starts_word || unit.text.find(' ') != std::string::npos;
    max_gain_[u] = completes ? kInf : piece_gain;
  }
}

WordState WordScorer::initial() const {
  WordState state;
  if (lm_) state.lm = config_.score_boundary ? lm_->begin_sentence_state() : lm_->null_context_state();
  if (hotwords_) state.hotword = hotwords_->start();
  return state;
}

double WordScorer::lookahead_of(int trie_node) const {
  if (!lm_ || !config_.lookahead) return 0.0;
  return ln10_alpha_ * trie_->best_log10(trie_node);
}

void WordScorer::feed_byte(WordState& state, unsigned char byte) const {
  if (byte == ' ') {
    complete_word(state);
    return;
  }
  ++state.partial_bytes;
  if (hotwords_) {
    state.hotword = hotwords_->next(state.hotword, byte);
    state.hotword_partial = hotwords_->partial(state.hotword);
  }
  if (trie_ && state.trie != SpellingTrie::kNone) {
    const int next = trie_->next(state.trie, byte);
    state.trie = next;
    if (next != SpellingTrie::kNone) {
      state.lookahead = lookahead_of(next);
    } else if (restricted_) {
      state.dead = true;
    }
  }
  if (lm_ && state.trie == SpellingTrie::kNone) {
    // No known word starts like this: the unknown-word offset, growing with the length of the word past 6
    // bytes as pyctcdecode does, so that an unknown word cannot swallow the words after it.
    // Scaled as the offset is when the word completes (alpha ln 10), which keeps the two consistent.
    state.lookahead = ln10_alpha_ * config_.unk_score_offset * std::max(1.0, state.partial_bytes / 6.0);
  }
}

void WordScorer::complete_word(WordState& state) const {
  if (state.partial_bytes == 0) return;
  LmWordId id = kLmUnknownWord;
  bool known = false;  // no unknown-word offset: a word of the LM, or a hotword's
  if (trie_ && state.trie != SpellingTrie::kNone && trie_->is_word(state.trie)) {
    id = trie_->word_id(state.trie);
    known = id != kLmUnknownWord || trie_->is_exempt(state.trie);
  } else if (restricted_) {
    state.dead = true;  // a lexicon word's prefix only
  }
  if (lm_) {
    // As pyctcdecode (and so attrs.json's values) has it: the offset is added to the log10 LM score.
    const double log10_p = lm_->score(state.lm, id, state.lm) + (known ? 0.0 : config_.unk_score_offset);
    state.words += ln10_alpha_ * log10_p + config_.word_score;
  }
  state.lookahead = 0.0;
  state.trie = SpellingTrie::kRoot;
  state.partial_bytes = 0;
  if (hotwords_) {
    state.hotword = hotwords_->next(state.hotword, ' ');
    if (hotwords_->completes(state.hotword)) {
      state.hotwords_done += hotwords_->completed_boost(state.hotword);
      state.hotword = hotwords_->start();
    }
    state.hotword_partial = hotwords_->partial(state.hotword);
  }
}

void WordScorer::extend(const WordState& in, int unit, WordState& out) const {
  out = in;
  if (unit < 0 || static_cast<size_t>(unit) >= spellings_.size()) return;
  const UnitSpelling& spelling = spellings_[static_cast<size_t>(unit)];
  switch (spelling.kind) {
    case UnitSpelling::Kind::kSilent: return;
    case UnitSpelling::Kind::kWordBoundary: complete_word(out); return;
    case UnitSpelling::Kind::kPiece:
      if (spelling.starts_word) complete_word(out);
      for (const char c : spelling.text) feed_byte(out, static_cast<unsigned char>(c));
      return;
  }
}

void WordScorer::finish(const WordState& in, WordState& out) const {
  out = in;
  complete_word(out);
  out.hotword_partial = 0.0;  // a phrase not finished by the end earns nothing
  if (lm_ && config_.score_boundary) out.words += ln10_alpha_ * lm_->end_sentence_score(out.lm);
}

}  // namespace w2v2
