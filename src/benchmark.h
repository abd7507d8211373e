#pragma once

#include "bench/bench_config.h"
#include "bench/bench_report.h"

namespace w2v2 {

// `w2v2 bench`: for every combination of pipeline x graph x batch size, loads the model, warms up on
// every batch shape, then alternates timed model-only passes (the same batches, audio loaded beforehand,
// forward alone) with timed end-to-end runs of the real pipeline. Inputs are real files or synthetic
// speech-like WAV files written first. Logs to stderr; the caller prints or saves the report.
class Benchmark {
 public:
  explicit Benchmark(BenchConfig config);
  BenchReport run();

 private:
  BenchConfig config_;
};

}  // namespace w2v2
