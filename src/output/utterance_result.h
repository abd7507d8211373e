#pragma once

#include <optional>
#include <string>

#include "metrics/error_rate.h"

namespace w2v2 {

enum class UtteranceStatus { kOk, kFailed };

// What the run produced for one input.
struct UtteranceResult {
  size_t index = 0;
  std::string id;
  std::string path;
  UtteranceStatus status = UtteranceStatus::kOk;
  std::string text;
  double duration_seconds = 0.0;  // audio duration after resampling
  double latency_seconds = 0.0;   // from the start of its read to the end of its decode
  std::string error_stage;        // "read", "model", "decode", "output" when failed
  std::string error;
  std::optional<UtteranceScore> score;  // when the utterance has a reference and scoring is on
};

}  // namespace w2v2
