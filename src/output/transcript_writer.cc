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
    result.status = UtteranceStatus::kFailed;
    result.error_stage = "output";
    result.error = e.what();
    spdlog::warn("{}: failed at output: {}", result.path, e.what());
  }
}

}  // namespace w2v2
