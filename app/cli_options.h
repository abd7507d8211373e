#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/bench_config.h"
#include "metrics/scoring_report.h"
#include "transcriber_config.h"

namespace w2v2::app {

enum class Command { kNone, kTranscribe, kEval, kScore, kRandomModel, kBench, kMerge, kLmCompile };

struct CliOptions {
  Command command = Command::kNone;
  std::vector<std::string> inputs;
  TranscriberConfig transcriber;
  ScoringOptions scoring;
  std::string report_path;   // eval: JSON report
  std::string details_path;  // eval: per-utterance JSONL
  std::string trn_dir;       // eval: sclite trn files
  double tolerance = -1.0;   // eval: non-zero exit when WER > tolerance (>= 0)
  std::string score_ref;     // score: reference file
  std::string score_hyp;     // score: hypothesis file
  bool score_json = false;
  std::string shard;                      // transcribe/eval: "I/N", "auto" or "auto/N" ("" = everything)
  std::vector<std::string> merge_parts;   // merge: shard outputs
  size_t max_failures = 0;  // transcribe/eval: exit 0 while at most this many inputs failed
  bool quiet = false;  // no progress bar, warnings and errors only
  std::string random_config_dir;  // random-model: source of config.json / vocab.json
  std::string random_output_dir;
  uint64_t random_seed = 0;
  std::string lm_compile_input;   // lm-compile: the ARPA file (plain or gzip'ed) or a .w2lm file
  std::string lm_compile_output;  // lm-compile: the .w2lm file
  BenchConfig bench;  // bench: everything but `transcriber`, which is copied from above after parsing
  bool exit_now = false;  // --help / --version handled
  int exit_code = 0;
};

// Parses argv with CLI11. On --help, --version or a usage error the message is printed here and
// `exit_now` is set with the code to return.
CliOptions parse_cli(int argc, char** argv);

}  // namespace w2v2::app
