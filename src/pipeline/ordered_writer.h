#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "datasets/utterance.h"
#include "output/transcript_writer.h"
#include "pipeline/pipeline_messages.h"
#include "pipeline/progress_observer.h"
#include "pipeline/run_summary.h"

namespace w2v2 {

// The writer stage: journals each result as it arrives (when a journal is given: durable before anything
// else, so a slow early input never holds back the journal), restores input order (a reorder buffer keyed by
// input index), writes each result (write_result: a result whose own files fail becomes a failure at stage
// output), counts it in the run's summary and tells the progress observer. One thread.
class OrderedWriter {
 public:
  // `progress` and `journal` may be null. `start`: when the run began (for the elapsed time).
  OrderedWriter(TranscriptWriter& writer, ProgressObserver* progress, const std::vector<Utterance>& inputs,
                PipelineClock::time_point start, TranscriptWriter* journal = nullptr);

  void accept(UtteranceResult result);

  size_t written() const { return next_; }
  double busy_seconds() const { return busy_seconds_; }
  RunSummary& summary() { return summary_; }

 private:
  void write(UtteranceResult& result);

  TranscriptWriter& writer_;
  ProgressObserver* progress_;
  TranscriptWriter* journal_;
  PipelineClock::time_point start_;
  size_t total_;
  std::vector<uint64_t> sizes_;  // input file sizes, for the progress observer's ETA
  Progress state_;
  std::map<size_t, UtteranceResult> pending_;  // arrived ahead of their turn
  size_t next_ = 0;                             // the input index written next
  double busy_seconds_ = 0.0;
  RunSummary summary_;
};

}  // namespace w2v2
