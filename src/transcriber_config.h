#pragma once

#include <optional>
#include <string>

#include "audio/audio_file_reader.h"
#include "common/logging.h"
#include "metrics/scoring_report.h"
#include "output/transcript_writer.h"
#include "pipeline/pipeline_config.h"
#include "runtime/runtime_config.h"

namespace w2v2 {

struct OutputConfig {
  OutputFormat format = OutputFormat::kTxt;
  std::string path;        // "" or "-" = stdout
  std::string logits_dir;  // when set, <stem>.npy (frames, vocab) float32 per utterance
  std::string trace_path;  // when set, a Chrome trace-event JSON of the run
};

// Everything `w2v2 transcribe` needs; each part validates itself.
struct TranscriberConfig {
  std::string model_dir = "models/default";
  AudioReadOptions audio;
  RuntimeConfig runtime;
  PipelineConfig pipeline;
  OutputConfig output;
  LoggingConfig logging;
  std::optional<ScoringOptions> scoring;  // set by `eval`: utterances with references are scored in the decode pool

  void validate() const;  // throws one ConfigError listing every problem
  std::string to_string() const;
};

}  // namespace w2v2
