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

std::optional<UtteranceResult> JsonlWriter::parse(const std::string& line) {
  const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || !j.contains("id") || !j.contains("status")) return std::nullopt;
  UtteranceResult r;
  r.id = j.value("id", "");
  r.path = j.value("path", "");
  r.status = j.value("status", "") == "ok" ? UtteranceStatus::kOk : UtteranceStatus::kFailed;
  r.text = j.value("text", "");
  r.duration_seconds = j.value("duration", 0.0);
  r.error_stage = j.value("stage", "");
  r.error = j.value("error", "");
  if (j.contains("words") && j["words"].is_array()) {
    for (const auto& w : j["words"]) {
      if (!w.is_object()) return std::nullopt;
      r.words.push_back({w.value("word", ""), w.value("start", 0.0), w.value("end", 0.0), w.value("confidence", 0.0)});
    }
  }
  return r;
}

void JsonlWriter::write(const UtteranceResult& result) { out_.stream() << record(result) << '\n'; }

}  // namespace w2v2
