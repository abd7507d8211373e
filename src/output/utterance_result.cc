#include "output/utterance_result.h"

#include <spdlog/spdlog.h>

#include "common/error.h"

namespace w2v2 {

const char* to_string(FailureStage stage) {
  switch (stage) {
    case FailureStage::kNone: return "";
    case FailureStage::kRead: return "read";
    case FailureStage::kModel: return "model";
    case FailureStage::kDecode: return "decode";
    case FailureStage::kOutput: return "output";
  }
  return "";
}

bool parse_failure_stage(const std::string& text, FailureStage& stage) {
  for (FailureStage s : {FailureStage::kNone, FailureStage::kRead, FailureStage::kModel, FailureStage::kDecode,
                         FailureStage::kOutput}) {
    if (text == to_string(s)) {
      stage = s;
      return true;
    }
  }
  return false;
}

void mark_failed(UtteranceResult& result, FailureStage stage, const std::string& error) {
  result.status = UtteranceStatus::kFailed;
  result.error_stage = stage;
  result.error = error;
  result.text.clear();
  result.words.clear();
  result.alternatives.clear();
  result.score.reset();
  spdlog::warn("{}: failed at {}: {}", result.path, to_string(stage), error_summary(error));
}

}  // namespace w2v2
