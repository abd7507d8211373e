#include "evaluation_report.h"

#include "common/error.h"

namespace w2v2 {

ScoringReport score_results(const std::vector<Utterance>& utterances, const std::vector<UtteranceResult>& results,
                            const ScoringOptions& options) {
  std::vector<ScoredPair> pairs;
  for (const auto& result : results) {
    W2V2_CHECK(result.index < utterances.size(), "result index ", result.index, " out of range");
    const Utterance& u = utterances[result.index];
    if (!u.reference) continue;
    pairs.push_back({u.id, u.speaker.empty() ? speaker_of(u.id) : u.speaker, *u.reference,
                     result.status == UtteranceStatus::kOk ? result.text : std::string()});
  }
  return score_pairs(pairs, options);
}

nlohmann::ordered_json make_evaluation_report(const ScoringReport& scores, const RunSummary& run,
                                              const TranscriberConfig& config, const std::string& version) {
  nlohmann::ordered_json j = scores.to_json();
  j["real_time_factor"] = run.real_time_factor();
  j["audio_seconds"] = run.audio_seconds;
  j["wall_seconds"] = run.wall_seconds;
  j["model_seconds"] = run.model_seconds;
  j["model_load_seconds"] = run.load_seconds;
  j["files"] = run.files;
  nlohmann::ordered_json failures = nlohmann::ordered_json::array();
  for (const auto& f : run.failures) failures.push_back({{"id", f.id}, {"path", f.path}, {"stage", f.error_stage}, {"error", f.error}});
  j["failures"] = failures;
  j["model"] = config.model_dir;
  j["settings"] = config.to_string();
  j["decoding"] = "greedy";
  j["version"] = version;
  return j;
}

}  // namespace w2v2
