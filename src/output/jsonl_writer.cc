#include "output/jsonl_writer.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace w2v2 {
namespace {

double round_to(double x, double unit) { return std::round(x / unit) * unit; }

}  // namespace

std::string JsonlWriter::record(const UtteranceResult& result) {
  nlohmann::ordered_json record;
  record["id"] = result.id;
  record["path"] = result.path;
  record["status"] = result.status == UtteranceStatus::kOk ? "ok" : "error";
  record["text"] = result.text;
  record["duration"] = result.duration_seconds;
  if (result.status != UtteranceStatus::kOk) {
    record["stage"] = result.error_stage;
    record["error"] = result.error;
  } else {
    nlohmann::ordered_json words = nlohmann::ordered_json::array();
    for (const WordTiming& w : result.words) {
      words.push_back({{"word", w.word},
                       {"start", round_to(w.start_seconds, 0.001)},
                       {"end", round_to(w.end_seconds, 0.001)},
                       {"confidence", round_to(w.confidence, 0.0001)}});
    }
    record["words"] = std::move(words);
  }
  return record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void JsonlWriter::write(const UtteranceResult& result) { out_.stream() << record(result) << '\n'; }

}  // namespace w2v2
