#pragma once

#include "text/detokenizer.h"
#include "text/vocabulary.h"

namespace w2v2 {

// Character vocabularies (wav2vec2-base-960h): tokens are concatenated, the word delimiter "|"
// becomes a space, special tokens are dropped, whitespace is collapsed and trimmed.
class CharDetokenizer : public Detokenizer {
 public:
  explicit CharDetokenizer(Vocabulary vocabulary) : vocabulary_(std::move(vocabulary)) {}
  std::string detokenize(const std::vector<int>& ids) const override;
  int num_units() const override { return vocabulary_.size(); }
  std::vector<UnitSpelling> spellings() const override;
  const Vocabulary& vocabulary() const { return vocabulary_; }

 private:
  Vocabulary vocabulary_;
};

}  // namespace w2v2
