#include "output/restoring_writer.h"

#include "common/error.h"

namespace w2v2 {

RestoringWriter::RestoringWriter(TranscriptWriter& inner, const std::vector<Utterance>& inputs,
                                 std::vector<std::optional<UtteranceResult>> restored)
    : inner_(inner), inputs_(inputs), restored_(std::move(restored)) {
  W2V2_CHECK(restored_.size() == inputs_.size(), "restoring writer: ", restored_.size(), " slots for ", inputs_.size(), " inputs");
  for (size_t i = 0; i < restored_.size(); ++i) {
    if (!restored_[i]) transcribed_.push_back(i);
  }
}

void RestoringWriter::write(const UtteranceResult& result) {
  W2V2_CHECK(result.index < transcribed_.size(), "restoring writer: result index ", result.index, " out of range");
  const size_t input = transcribed_[result.index];
  pass_restored_before(input);
  next_ = input + 1;
  UtteranceResult placed = result;
  place(placed, input);
  inner_.write(placed);  // a ResultOutputError reaches the caller's write_result
}

void RestoringWriter::finish() {
  pass_restored_before(inputs_.size());
  inner_.finish();
}

void RestoringWriter::place(UtteranceResult& result, size_t input) const {
  result.index = input;
  result.output_stem = inputs_[input].output_stem;
}

void RestoringWriter::pass_restored_before(size_t input) {
  for (; next_ < input; ++next_) {
    W2V2_CHECK(restored_[next_].has_value(), "journaled run lost the result of ", inputs_[next_].path);
    UtteranceResult result = std::move(*restored_[next_]);
    restored_[next_].reset();
    place(result, next_);
    write_result(inner_, result);
    written_restored_.push_back(std::move(result));
  }
}

}  // namespace w2v2
