#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "transcriber_config.h"

namespace w2v2 {

// `w2v2 bench`: which inputs, which model, which runtime modes to cross, how often to repeat.
struct BenchConfig {
  std::vector<std::string> inputs;  // real audio (files, folders, corpora); empty: synthetic audio
  std::string random_config;        // config.json (or its folder) for random weights; "" = transcriber.model_dir
  uint64_t seed = 0;                // random weights and synthetic audio
  std::vector<double> durations{2.0, 5.0, 10.0, 20.0};  // synthetic files cycle through these lengths (s)
  int count = 16;                   // synthetic files; with real inputs, the first `count` (0 = all)
  std::string audio_dir;            // synthetic audio is written (and kept) here; "" = a temporary folder
  std::vector<int> batch_sizes{1};
  std::vector<bool> graph_modes{false};
  std::vector<bool> pipeline_modes{true};
  std::vector<Precision> precisions{Precision::kFp32};  // --precisions; the outermost loop
  int warmup = 1;  // untimed model-only passes over every batch shape before the timed runs
  int repeat = 3;  // timed runs of each mode (model-only and end-to-end, alternating); medians reported
  std::string json_path;     // JSON report ("" = none)
  std::string version;       // program version and git commit, for the report
  std::string command_line;  // the flags as given, for the report
  TranscriberConfig transcriber;  // model folder, threads, readers, decode threads, batching caps

  void validate() const;  // throws one ConfigError listing every problem
  std::string to_string() const;
};

}  // namespace w2v2
