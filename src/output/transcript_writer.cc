#include "output/transcript_writer.h"

#include <spdlog/spdlog.h>

#include "common/error.h"

namespace w2v2 {

void write_result(TranscriptWriter& writer, UtteranceResult& result) {
  if (result.status != UtteranceStatus::kOk) {
    const std::string summary = error_summary(result.error);
    if (summary != result.error) spdlog::debug("{}: the whole error: {}", result.path, result.error);  // a backtrace
    result.error = summary;
  }
  try {
    writer.write(result);
  } catch (const ResultOutputError& e) {
    mark_failed(result, FailureStage::kOutput, e.what());
  }
}

}  // namespace w2v2
