#include "output/jsonl_writer.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <tuple>
#include <utility>

#include "common/field_encoding.h"
#include "common/json_limits.h"

namespace w2v2 {
namespace {

double round_to(double x, double unit) { return std::round(x / unit) * unit; }

// `key`: the value, with invalid UTF-8 replaced (JSON holds only UTF-8); when it was not valid UTF-8, also
// `key`_bytes: its exact bytes, percent-encoded, which parse() prefers.
void put_name(nlohmann::ordered_json& record, const std::string& key, const std::string& value) {
  record[key] = value;
  if (!is_valid_utf8(value)) record[key + "_bytes"] = percent_encode_bytes(value);
}

// Replaces `value` by the exact bytes in `key`_bytes when the record has them; false (with the reason) when
// that field is not a percent-encoded string.
bool restore_exact_bytes(const nlohmann::json& record, const std::string& key, std::string& value,
                         std::string& why) {
  const auto it = record.find(key + "_bytes");
  if (it == record.end()) return true;
  std::optional<std::string> bytes;
  if (it->is_string()) bytes = percent_decode_bytes(it->get<std::string>());
  if (!bytes) {
    why = "field \"" + key + "_bytes\" is not a percent-encoded string";
    return false;
  }
  value = std::move(*bytes);
  return true;
}

}  // namespace

std::string JsonlWriter::record(const UtteranceResult& result) {
  nlohmann::ordered_json record;
  put_name(record, "id", result.id);
  put_name(record, "path", result.path);
  record["status"] = result.status == UtteranceStatus::kOk ? "ok" : "error";
  put_name(record, "text", result.text);
  record["duration"] = result.duration_seconds;
  if (!result.container.empty()) record["container"] = result.container;
  if (!result.codec.empty()) record["codec"] = result.codec;
  if (result.status != UtteranceStatus::kOk) {
    record["stage"] = to_string(result.error_stage);
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
    if (!result.alternatives.empty()) {  // --nbest N > 1
      nlohmann::ordered_json alternatives = nlohmann::ordered_json::array();
      for (const TranscriptAlternative& a : result.alternatives) {
        nlohmann::ordered_json alternative;
        put_name(alternative, "text", a.text);
        alternative["score"] = round_to(a.score, 0.0001);
        alternative["acoustic_score"] = round_to(a.acoustic_score, 0.0001);
        alternative["lm_score"] = round_to(a.lm_score, 0.0001);
        alternatives.push_back(std::move(alternative));
      }
      record["alternatives"] = std::move(alternatives);
    }
  }
  return record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<UtteranceResult> JsonlWriter::parse(const std::string& line, std::string* why) {
  auto fail = [why](const std::string& reason) -> std::optional<UtteranceResult> {
    if (why) *why = reason;
    return std::nullopt;
  };
  if (json_nesting_depth(line) > kMaxJsonDepth) return fail("nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return fail("not JSON");
  if (!j.is_object()) return fail("not a JSON object");
  // Each field must have its type: a wrong one is damage, never an exception from deep inside.
  auto text_field = [&](const char* key, bool required, std::string& out) -> bool {
    const auto it = j.find(key);
    if (it == j.end()) return !required;
    if (!it->is_string()) return false;
    out = it->get<std::string>();
    return true;
  };
  auto number_field = [&](const nlohmann::json& object, const char* key, double& out) -> bool {
    const auto it = object.find(key);
    if (it == object.end()) return true;
    if (!it->is_number()) return false;
    out = it->get<double>();
    return true;
  };
  UtteranceResult r;
  std::string status, stage;
  const std::initializer_list<std::tuple<const char*, bool, std::string*>> fields = {
      {"id", true, &r.id},         {"status", true, &status},      {"path", false, &r.path},
      {"text", false, &r.text},    {"stage", false, &stage},       {"error", false, &r.error},
      {"container", false, &r.container}, {"codec", false, &r.codec}};
  for (const auto& [key, required, target] : fields) {
    if (!text_field(key, required, *target)) {
      return fail(std::string("field \"") + key + "\" is " + (j.contains(key) ? "not a string" : "missing"));
    }
  }
  for (const auto& [key, target] : {std::pair<std::string, std::string*>{"id", &r.id}, {"path", &r.path},
                                     {"text", &r.text}}) {
    if (std::string reason; !restore_exact_bytes(j, key, *target, reason)) return fail(reason);
  }
  if (status != "ok" && status != "error") return fail("field \"status\" is neither \"ok\" nor \"error\"");
  r.status = status == "ok" ? UtteranceStatus::kOk : UtteranceStatus::kFailed;
  if (!parse_failure_stage(stage, r.error_stage)) return fail("field \"stage\" is not a known stage");
  if (!number_field(j, "duration", r.duration_seconds)) return fail("field \"duration\" is not a number");
  if (const auto words = j.find("words"); words != j.end()) {
    if (!words->is_array()) return fail("field \"words\" is not an array");
    for (const auto& w : *words) {
      WordTiming timing;
      const auto word = w.is_object() ? w.find("word") : w.end();
      if (!w.is_object() || (word != w.end() && !word->is_string()) || !number_field(w, "start", timing.start_seconds) ||
          !number_field(w, "end", timing.end_seconds) || !number_field(w, "confidence", timing.confidence)) {
        return fail("a word of field \"words\" is not {word, start, end, confidence}");
      }
      if (word != w.end()) timing.word = word->get<std::string>();
      r.words.push_back(std::move(timing));
    }
  }
  if (const auto alternatives = j.find("alternatives"); alternatives != j.end()) {
    if (!alternatives->is_array()) return fail("field \"alternatives\" is not an array");
    for (const auto& a : *alternatives) {
      TranscriptAlternative alternative;
      const auto text = a.is_object() ? a.find("text") : a.end();
      std::string reason;
      if (!a.is_object() || text == a.end() || !text->is_string() || !number_field(a, "score", alternative.score) ||
          !number_field(a, "acoustic_score", alternative.acoustic_score) ||
          !number_field(a, "lm_score", alternative.lm_score)) {
        return fail("an entry of field \"alternatives\" is not {text, score, acoustic_score, lm_score}");
      }
      alternative.text = text->get<std::string>();
      if (!restore_exact_bytes(a, "text", alternative.text, reason)) return fail("alternatives: " + reason);
      r.alternatives.push_back(std::move(alternative));
    }
  }
  return r;
}

void JsonlWriter::write(const UtteranceResult& result) { out_.stream() << record(result) << '\n'; }

}  // namespace w2v2
