#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "lm/language_model.h"
#include "lm/lm_tables.h"

namespace w2v2 {

// An n-gram backoff model over LmTables (lm_tables.h), from an ARPA file built in memory or a mapped .w2lm.
// Scoring follows ARPA semantics: P(w | h) = p(h w) when "h w" is an n-gram, else backoff(h) + P(w | h without
// its oldest word). States are minimal (KenLM's): the longest suffix of the words so far that is an n-gram and
// can still matter (it extends to a longer n-gram or has a non-zero backoff), at most order - 1 words.
class NgramLanguageModel final : public LanguageModel {
 public:
  // `tables` views memory that `owner` keeps alive; they must have passed LmTables::check().
  NgramLanguageModel(const LmTables& tables, std::shared_ptr<const void> owner, std::string source);

  int order() const override { return tables_.order; }
  LmWordId word_id(std::string_view word) const override;
  LmState begin_sentence_state() const override { return begin_state_; }
  LmState null_context_state() const override { return {}; }
  float score(const LmState& in, LmWordId word, LmState& out) const override;
  float end_sentence_score(const LmState& in) const override;
  void for_each_unigram(const std::function<void(std::string_view word, float log10_prob)>& visit) const override;
  uint64_t ngram_count(int n) const override;

  const LmTables& tables() const { return tables_; }
  const std::string& source() const { return source_; }  // the file it came from
  // Bytes the tables take (entries, word strings, offsets and hash table).
  uint64_t table_bytes() const;

 private:
  LmTables tables_;
  std::shared_ptr<const void> owner_;
  std::string source_;
  LmState begin_state_;
};

}  // namespace w2v2
