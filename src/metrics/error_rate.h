#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "metrics/edit_distance.h"

namespace w2v2 {

// Error counts of one utterance or a whole corpus.
struct ErrorCounts {
  size_t substitutions = 0;
  size_t deletions = 0;
  size_t insertions = 0;
  size_t reference_length = 0;  // words (or characters)

  size_t errors() const { return substitutions + deletions + insertions; }
  double rate() const { return reference_length ? static_cast<double>(errors()) / reference_length : (errors() ? 1.0 : 0.0); }
  void add(const ErrorCounts& other);
  void add(const Alignment& alignment, size_t reference_length);
};

struct UtteranceScore {
  std::string id;
  std::string speaker;
  std::string reference;   // normalized
  std::string hypothesis;  // normalized
  ErrorCounts words;
  ErrorCounts characters;
  Alignment word_alignment;
};

// Corpus WER/CER accumulator: corpus WER = sum of errors / sum of reference words, never the mean of
// per-utterance rates. Keeps per-speaker totals and word confusion counts.
class ErrorRateAccumulator {
 public:
  explicit ErrorRateAccumulator(EditCosts costs = EditCosts::unit()) : costs_(costs) {}

  // Scores one normalized pair and adds it to the totals.
  UtteranceScore add(const std::string& id, const std::string& speaker, const std::string& reference,
                     const std::string& hypothesis);
  // Adds a pair scored elsewhere (e.g. in the decode pool) to the totals.
  void add(const UtteranceScore& score);
  // Scores one normalized pair without touching any totals (thread-safe).
  static UtteranceScore score(const std::string& id, const std::string& speaker, const std::string& reference,
                              const std::string& hypothesis, const EditCosts& costs);

  const ErrorCounts& words() const { return words_; }
  const ErrorCounts& characters() const { return characters_; }
  size_t utterances() const { return utterances_; }
  const std::map<std::string, ErrorCounts>& speaker_words() const { return speaker_words_; }
  // The most frequent (reference word, hypothesis word) substitutions, most frequent first.
  std::vector<std::pair<std::pair<std::string, std::string>, size_t>> top_confusions(size_t n) const;

 private:
  EditCosts costs_;
  ErrorCounts words_;
  ErrorCounts characters_;
  size_t utterances_ = 0;
  std::map<std::string, ErrorCounts> speaker_words_;
  std::map<std::pair<std::string, std::string>, size_t> confusions_;
};

}  // namespace w2v2
