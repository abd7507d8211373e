#pragma once

#include <map>
#include <vector>

#include "datasets/utterance.h"
#include "pipeline/transcript_builder.h"
#include "output/transcript_writer.h"
#include "pipeline/pipeline_config.h"
#include "pipeline/progress_observer.h"
#include "pipeline/reader_stage.h"
#include "pipeline/run_summary.h"
#include "pipeline/trace_recorder.h"
#include "engine/batch_engine.h"

namespace w2v2 {

class BatcherStage;
class DeviceStage;
class DecodeStage;
class OrderedWriter;
struct PaddedSample;

// Host work hidden behind the model: five stages (src/README.md has the diagram) joined by bounded queues
// of typed messages (pipeline_messages.h):
//   ReaderStage (N threads: load, resample, normalize) -> BatcherStage (sort by length within a window, cap by
//   samples and size) -> DeviceStage (the calling thread: BatchEngine submit/collect) -> DecodeStage (M
//   threads: CTC decode, detokenize, logits files, scoring) -> OrderedWriter (one thread; input order restored).
// With config.enabled = false (--pipeline off) the same stages run one after another on the calling thread:
// one path from audio to result, and the same results. A failing input becomes a failure record and never
// disturbs its batch-mates.
class TranscriptionPipeline {
 public:
  TranscriptionPipeline(PipelineConfig config, ReadOptions read, const BatchEngine& engine,
                        const TranscriptBuilder& builder, TraceRecorder* trace = nullptr);

  // Results reach `writer` in input order; writer.finish() is called at the end. `progress` (optional)
  // hears about every result; `journal` (optional) receives each result as soon as it is decoded.
  RunSummary run(const std::vector<Utterance>& inputs, TranscriptWriter& writer, ProgressObserver* progress = nullptr,
                 TranscriptWriter* journal = nullptr);

 private:
  struct Stages;
  void run_threaded(const std::vector<Utterance>& inputs, Stages& stages);
  void run_serial(const std::vector<Utterance>& inputs, Stages& stages);
  PaddingCheck check_padding(const std::vector<Utterance>& inputs, ReaderStage& reader,
                             const std::map<size_t, PaddedSample>& kept) const;

  PipelineConfig config_;
  ReadOptions read_;
  const BatchEngine& engine_;
  const TranscriptBuilder& builder_;
  TraceRecorder* trace_;
};

}  // namespace w2v2
