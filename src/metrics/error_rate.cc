#include "metrics/error_rate.h"

#include <algorithm>

namespace w2v2 {

void ErrorCounts::add(const ErrorCounts& other) {
  substitutions += other.substitutions;
  deletions += other.deletions;
  insertions += other.insertions;
  reference_length += other.reference_length;
}

void ErrorCounts::add(const Alignment& alignment, size_t length) {
  substitutions += alignment.substitutions;
  deletions += alignment.deletions;
  insertions += alignment.insertions;
  reference_length += length;
}

UtteranceScore ErrorRateAccumulator::score(const std::string& id, const std::string& speaker,
                                           const std::string& reference, const std::string& hypothesis,
                                           const EditCosts& costs) {
  UtteranceScore score;
  score.id = id;
  score.speaker = speaker;
  score.reference = reference;
  score.hypothesis = hypothesis;
  const auto ref_words = split_words(reference);
  score.word_alignment = align(ref_words, split_words(hypothesis), costs);
  score.words.add(score.word_alignment, ref_words.size());
  size_t ref_chars = 0;
  const Alignment chars = count_character_edits(reference, hypothesis, costs, &ref_chars);
  score.characters.add(chars, ref_chars);
  return score;
}

UtteranceScore ErrorRateAccumulator::add(const std::string& id, const std::string& speaker,
                                         const std::string& reference, const std::string& hypothesis) {
  UtteranceScore s = score(id, speaker, reference, hypothesis, costs_);
  add(s);
  return s;
}

void ErrorRateAccumulator::add(const UtteranceScore& score) {
  words_.add(score.words);
  characters_.add(score.characters);
  speaker_words_[score.speaker].add(score.words);
  ++utterances_;
  const auto ref_words = split_words(score.reference);
  const auto hyp_words = split_words(score.hypothesis);
  size_t r = 0;
  size_t h = 0;
  for (EditOp op : score.word_alignment.ops) {
    if (op == EditOp::kSubstitution) ++confusions_[{ref_words[r], hyp_words[h]}];
    if (op != EditOp::kInsertion) ++r;
    if (op != EditOp::kDeletion) ++h;
  }
}

std::vector<std::pair<std::pair<std::string, std::string>, size_t>> ErrorRateAccumulator::top_confusions(
    size_t n) const {
  std::vector<std::pair<std::pair<std::string, std::string>, size_t>> all(confusions_.begin(), confusions_.end());
  std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (all.size() > n) all.resize(n);
  return all;
}

}  // namespace w2v2
