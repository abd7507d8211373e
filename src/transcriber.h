#pragma once

#include <memory>
#include <string>
#include <vector>

#include "datasets/utterance.h"
#include "output/transcript_writer.h"
#include "pipeline/progress_observer.h"
#include "pipeline/run_summary.h"
#include "transcriber_config.h"

namespace w2v2 {

class BatchEngine;
class CtcDecoder;
class InferenceEngine;
class Detokenizer;
class TranscriptBuilder;
struct ModelDirectory;

// Facade: loads the model folder once, then transcribes lists of inputs with the TranscriptionPipeline,
// threaded (default) or its stages one after another (config.pipeline.enabled = false). A failing input becomes a failure record
// (stage + reason) and the run continues.
class Transcriber {
 public:
  explicit Transcriber(TranscriberConfig config);
  ~Transcriber();

  // With config.output.journal_path set, every finished utterance is journaled first (fsync'ed), the
  // inputs a resumed journal already holds are skipped, and `writer` receives all results, in input
  // order, as the run goes (RestoringWriter); the journal is removed once every result is written.
  RunSummary transcribe(const std::vector<Utterance>& inputs, TranscriptWriter& writer,
                        ProgressObserver* progress = nullptr);

  // For benchmarks: the engine alone, and an input read as the pipeline reads it (resampled, normalized).
  const BatchEngine& engine() const;
  std::vector<float> load_audio(const std::string& path) const;
  double load_seconds() const;
  std::string model_summary() const;
  std::string device_name() const;  // "cpu" or e.g. "cuda:0 (NVIDIA H200)"
  std::string precision() const;    // as the engine runs it: "fp32", or e.g. "int8 (8-bit weights, VNNI)"
  const TranscriberConfig& config() const { return config_; }  // with the device's defaults filled in
  const DecodingConfig& decoding() const { return decoding_; }  // config().decoding resolved (DecodingConfig::resolve)
  void freeze_graphs();  // InferenceEngine::freeze_graphs

 private:
  struct ReadOptions read_options() const;
  RunSummary run(const std::vector<Utterance>& inputs, TranscriptWriter& writer, ProgressObserver* progress,
                 TranscriptWriter* journal = nullptr);
  RunSummary transcribe_journaled(const std::vector<Utterance>& inputs, TranscriptWriter& writer,
                                  ProgressObserver* progress);

  TranscriberConfig config_;
  std::unique_ptr<ModelDirectory> model_;
  std::unique_ptr<InferenceEngine> engine_;
  std::unique_ptr<Detokenizer> detokenizer_;
  DecodingConfig decoding_;
  std::unique_ptr<CtcDecoder> decoder_;  // built once, shared by the decode pool (const, thread-safe)
  std::unique_ptr<TranscriptBuilder> builder_;
};

}  // namespace w2v2
