#include "output/jsonl_writer.h"

#include <nlohmann/json.hpp>

namespace w2v2 {

void JsonlWriter::write(const UtteranceResult& result) {
  nlohmann::ordered_json record;
  record["id"] = result.id;
  record["path"] = result.path;
  record["status"] = result.status == UtteranceStatus::kOk ? "ok" : "error";
  record["text"] = result.text;
  record["duration"] = result.duration_seconds;
  if (result.status != UtteranceStatus::kOk) {
    record["stage"] = result.error_stage;
    record["error"] = result.error;
  }
  out_.stream() << record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

}  // namespace w2v2
