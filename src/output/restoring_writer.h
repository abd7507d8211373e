#pragma once

#include <optional>
#include <vector>

#include "datasets/utterance.h"
#include "output/transcript_writer.h"

namespace w2v2 {

// Wraps the real writer of a resumed run: the results an earlier, interrupted run journaled are slotted in
// between this run's, so that `inner` receives every input's result in input order while the run goes.
// (This run's results are journaled on arrival, before they are ordered: OrderedWriter.)
class RestoringWriter : public TranscriptWriter {
 public:
  // `restored[i]`: input i's result recovered from the journal, or nullopt when this run transcribes it.
  // Results written here carry their index among the inputs this run transcribes (the nullopt ones).
  RestoringWriter(TranscriptWriter& inner, const std::vector<Utterance>& inputs,
                  std::vector<std::optional<UtteranceResult>> restored);

  void write(const UtteranceResult& result) override;
  void finish() override;  // passes on the restored results still due, then finishes `inner`

  // The position among all inputs of the k-th input this run transcribes.
  size_t input_index(size_t k) const { return transcribed_[k]; }
  // The restored results as written to `inner` (one whose files could not be written failed at output).
  std::vector<UtteranceResult> take_restored() { return std::move(written_restored_); }

 private:
  void pass_restored_before(size_t input);
  // Gives `result` its position among all inputs and that input's output stem.
  void place(UtteranceResult& result, size_t input) const;

  TranscriptWriter& inner_;
  const std::vector<Utterance>& inputs_;
  std::vector<std::optional<UtteranceResult>> restored_;
  std::vector<size_t> transcribed_;  // input indices of the nullopt entries, in order
  size_t next_ = 0;                  // the input passed on next
  std::vector<UtteranceResult> written_restored_;
};

}  // namespace w2v2
