#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "output/utterance_result.h"
#include "pipeline/pipeline_stats.h"

namespace w2v2 {

// What a run did, for the summary on stderr and the exit code.
struct RunSummary {
  size_t files = 0;
  size_t succeeded = 0;
  std::vector<UtteranceResult> failures;  // id, path, stage and error of each failed input
  double audio_seconds = 0.0;      // of every input counted
  double run_audio_seconds = 0.0;  // of the inputs transcribed by this run (less after --resume)
  double wall_seconds = 0.0;
  double model_seconds = 0.0;  // time inside forward passes
  double load_seconds = 0.0;
  PipelineStats pipeline;  // stage busy times (pipelined runs)
  PaddingCheck padding_check;

  // Audio seconds transcribed per wall second of this run (results restored from a journal excluded).
  double real_time_factor() const { return wall_seconds > 0 ? run_audio_seconds / wall_seconds : 0.0; }

  // Counts one written result (a failure is kept with its reason).
  void count(UtteranceResult&& result) {
    run_audio_seconds += result.duration_seconds;
    count_restored(std::move(result));
  }
  // Counts a result an earlier run transcribed (restored from its journal): not this run's audio.
  void count_restored(UtteranceResult&& result) {
    ++files;
    audio_seconds += result.duration_seconds;
    if (result.status == UtteranceStatus::kOk) {
      ++succeeded;
    } else {
      failures.push_back(std::move(result));
    }
  }
};

}  // namespace w2v2
