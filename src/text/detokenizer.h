#pragma once

#include <string>
#include <vector>

#include "text/unit_spelling.h"

namespace w2v2 {

// Turns the CTC output units of one utterance (repeats collapsed, blanks removed) into text.
class Detokenizer {
 public:
  virtual ~Detokenizer() = default;
  virtual std::string detokenize(const std::vector<int>& ids) const = 0;
  virtual int num_units() const = 0;  // ids the detokenizer knows (must fit the model's vocab_size)
  // How each unit 0..num_units()-1 spells words: what detokenize() does, one unit at a time.
  virtual std::vector<UnitSpelling> spellings() const = 0;
};

}  // namespace w2v2
