#pragma once

#include <string>
#include <vector>

namespace w2v2 {

// Turns the CTC output units of one utterance (repeats collapsed, blanks removed) into text.
class Detokenizer {
 public:
  virtual ~Detokenizer() = default;
  virtual std::string detokenize(const std::vector<int>& ids) const = 0;
  virtual int num_units() const = 0;  // ids the detokenizer knows (must fit the model's vocab_size)
};

}  // namespace w2v2
