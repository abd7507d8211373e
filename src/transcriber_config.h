#pragma once

#include <optional>
#include <string>
#include <vector>

#include "audio/audio_file_reader.h"
#include "common/logging.h"
#include "decoding/decoding_config.h"
#include "metrics/scoring_report.h"
#include "output/transcript_writer.h"
#include "pipeline/pipeline_config.h"
#include "engine/runtime_config.h"

namespace w2v2 {

struct Shard;

struct OutputConfig {
  std::vector<OutputFormat> formats{OutputFormat::kTxt};
  std::string path;        // one combined file (txt, jsonl or csv); "" or "-" = stdout
  std::string output_dir;  // when set: per-input files <output_dir>/<output_stem>.<ext> for every format
  std::string logits_dir;  // when set, <stem>.npy (frames, vocab) float32 per utterance
  std::string trace_path;  // when set, a Chrome trace-event JSON of the run
  // Journal of finished utterances (fsync'ed JSONL, see JournalWriter); "" = none. The final outputs are
  // written from it at the end; it is removed once they are complete.
  std::string journal_path;
  bool resume = false;  // continue from an existing journal (otherwise an existing journal is an error)

  // The path rules, applied once to the paths as given. With a shard, "{shard}" in path, output_dir and
  // journal_path becomes its index. Without a journal path, one is chosen: <output_dir>/.w2v2-journal.jsonl
  // with an output folder, else <path>.journal with an output file, else none (stdout). Throws ConfigError
  // when resume is set and there is no journal.
  void resolve_paths(const Shard* shard);
};

// Everything `w2v2 transcribe` needs; each part validates itself.
struct TranscriberConfig {
  std::string model_dir;  // "": the default model (checkpoint/default_model.h), resolved by Transcriber
  AudioReadOptions audio;
  RuntimeConfig runtime;
  PipelineConfig pipeline;
  DecodingConfig decoding;  // as given; Transcriber::decoding() has it resolved against the model folder
  OutputConfig output;
  LoggingConfig logging;
  std::optional<ScoringOptions> scoring;  // set by `eval`: utterances with references are scored in the decode pool

  void validate() const;  // throws one ConfigError listing every problem
  std::string to_string() const;

  // Settings left "for the device" get the defaults of `device` (the engine's resolved BatchEngine::device())
  // with `cores` usable cores; batch seconds become samples at audio.target_sample_rate_hz. See
  // PipelineConfig::resolve_for_device.
  void resolve_for_device(const Device& device, unsigned cores);
};

}  // namespace w2v2
