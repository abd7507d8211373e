#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string_view>

namespace w2v2 {

// Word ids of one language model. 0 is always the unknown word (<unk>, present in the ARPA or not).
using LmWordId = uint32_t;
constexpr LmWordId kLmUnknownWord = 0;
constexpr int kMaxLmOrder = 6;

// What an n-gram model remembers of the words so far: the most recent words that can still extend an
// n-gram of the model, newest first (KenLM's state). Equal states score every continuation the same.
struct LmState {
  std::array<LmWordId, kMaxLmOrder - 1> words{};
  uint8_t length = 0;

  bool operator==(const LmState& other) const {
    if (length != other.length) return false;
    for (int i = 0; i < length; ++i) {
      if (words[i] != other.words[i]) return false;
    }
    return true;
  }
  bool operator!=(const LmState& other) const { return !(*this == other); }
};

// A word n-gram language model in backoff form (ARPA semantics). Scores are log10 probabilities, as ARPA
// files and KenLM write them. Implementations are immutable after loading and thread-safe (const).
class LanguageModel {
 public:
  virtual ~LanguageModel() = default;

  virtual int order() const = 0;  // 1..kMaxLmOrder

  // The word's id, or kLmUnknownWord for a word that is not one of the model's unigrams.
  virtual LmWordId word_id(std::string_view word) const = 0;

  // The state after "<s>" (a sentence start) and the empty state (no context).
  virtual LmState begin_sentence_state() const = 0;
  virtual LmState null_context_state() const = 0;

  // log10 P(word | in) with ARPA backoff (the unknown word scores as <unk>, or -100 when the model has no
  // <unk>, as KenLM does), and in `out` the state after the word. `out` may alias `in`.
  virtual float score(const LmState& in, LmWordId word, LmState& out) const = 0;

  // log10 P(</s> | in): the end of the sentence.
  virtual float end_sentence_score(const LmState& in) const = 0;

  // Every unigram except <s>, </s> and <unk>, with its log10 probability (for lexicons and lookahead).
  virtual void for_each_unigram(const std::function<void(std::string_view word, float log10_prob)>& visit) const = 0;

  // n-grams of order n (1..order()) in the model.
  virtual uint64_t ngram_count(int n) const = 0;
};

}  // namespace w2v2
