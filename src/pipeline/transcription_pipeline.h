#pragma once

#include <map>
#include <utility>
#include <vector>

#include "audio/audio_file_reader.h"
#include "datasets/utterance.h"
#include "decoding/transcript_builder.h"
#include "output/transcript_writer.h"
#include "pipeline/pipeline_config.h"
#include "pipeline/progress_observer.h"
#include "pipeline/trace_recorder.h"
#include "run_summary.h"
#include "runtime/batch_engine.h"

namespace w2v2 {

struct ReadOptions {
  AudioReadOptions audio;
  bool normalize = true;  // preprocessor_config.json do_normalize
};

// Host work hidden behind the model. Stages joined by bounded queues:
//   readers (N threads: load, resample, normalize) -> batcher (sort by length within a window, cap by
//   samples and size) -> device stage (the calling thread: BatchEngine::run) -> decode pool (M threads:
//   CTC decode, detokenize, logits files) -> ordered writer (one thread; input order restored; the
//   writer and the progress observer are called from it).
// A failing input becomes a failure record and never disturbs its batch-mates; a failing batch is split
// in halves and retried until the failure is isolated to single utterances (stage "model"). On CPU the device thread's copies are plain memory copies.
class TranscriptionPipeline {
 public:
  TranscriptionPipeline(PipelineConfig config, ReadOptions read, const BatchEngine& engine,
                        const TranscriptBuilder& builder, TraceRecorder* trace = nullptr);

  // Results reach `writer` in input order; writer.finish() is called at the end. `progress` (optional)
  // hears about every result.
  RunSummary run(const std::vector<Utterance>& inputs, TranscriptWriter& writer, ProgressObserver* progress = nullptr);

 private:
  PaddingCheck check_padding(const std::vector<Utterance>& inputs,
                             const std::map<size_t, std::pair<UtteranceLogits, std::string>>& kept) const;

  PipelineConfig config_;
  ReadOptions read_;
  const BatchEngine& engine_;
  const TranscriptBuilder& builder_;
  TraceRecorder* trace_;
};

}  // namespace w2v2
