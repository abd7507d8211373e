#pragma once

#include <vector>

#include "output/transcript_writer.h"

namespace w2v2 {

// Keeps every result (for scoring) and forwards it to another writer when given one.
class CollectingWriter : public TranscriptWriter {
 public:
  explicit CollectingWriter(TranscriptWriter* next = nullptr) : next_(next) {}
  void write(const UtteranceResult& result) override {
    results_.push_back(result);
    if (next_) next_->write(result);
  }
  void finish() override {
    if (next_) next_->finish();
  }
  const std::vector<UtteranceResult>& results() const { return results_; }

 private:
  TranscriptWriter* next_;
  std::vector<UtteranceResult> results_;
};

}  // namespace w2v2
