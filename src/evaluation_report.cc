#include "evaluation_report.h"

#include <cmath>

#include "common/error.h"

namespace w2v2 {

ScoringReport score_results(const std::vector<Utterance>& utterances, const std::vector<UtteranceResult>& results,
                            const ScoringOptions& options) {
  std::vector<UtteranceScore> scores;
  for (const auto& result : results) {
    W2V2_CHECK(result.index < utterances.size(), "result index ", result.index, " out of range");
    const Utterance& u = utterances[result.index];
    if (!u.reference) continue;
    if (result.score) {  // scored in the decode pool
      scores.push_back(*result.score);
      continue;
    }
    // A failed utterance counts as an empty hypothesis: all its reference words are deletions.
    scores.push_back(ErrorRateAccumulator::score(u.id, u.speaker.empty() ? speaker_of(u.id) : u.speaker,
                                                 normalize_transcript(*u.reference, options.normalization),
                                                 normalize_transcript(result.status == UtteranceStatus::kOk ? result.text : "",
                                                                      options.normalization),
                                                 options.costs));
  }
  return summarize_scores(std::move(scores), options);
}

nlohmann::ordered_json decoding_to_json(const DecodingConfig& d) {
  nlohmann::ordered_json j;
  j["decoder"] = to_string(d.decoder);
  if (d.decoder == DecoderKind::kGreedy) return j;
  auto file = [](const std::string& path) { return path.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(path); };
  auto number = [](const std::optional<double>& v) { return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(); };
  j["beam_size"] = d.beam.beam_size;
  j["nbest"] = d.beam.nbest;
  j["beam_threshold"] = d.beam.beam_threshold;
  j["token_top_k"] = d.beam.token_top_k;
  j["token_min_log_prob"] = std::isfinite(d.beam.token_min_log_prob) ? nlohmann::ordered_json(d.beam.token_min_log_prob)
                                                                      : nlohmann::ordered_json();
  j["lm"] = file(d.lm);
  j["lm_weight"] = number(d.lm_weight);
  j["word_score"] = number(d.word_score);
  j["unk_score_offset"] = number(d.unk_score_offset);
  j["score_boundary"] = d.score_boundary ? nlohmann::ordered_json(*d.score_boundary) : nlohmann::ordered_json();
  j["lm_lookahead"] = d.lm_lookahead;
  j["lexicon"] = file(d.lexicon);
  j["hotwords"] = file(d.hotwords);
  j["hotword_boost"] = d.hotword_boost;
  return j;
}

nlohmann::ordered_json make_evaluation_report(const ScoringReport& scores, const RunSummary& run,
                                              const TranscriberConfig& config, const DecodingConfig& decoding,
                                              const std::string& version) {
  nlohmann::ordered_json j = scores.to_json();
  j["real_time_factor"] = run.real_time_factor();
  j["audio_seconds"] = run.audio_seconds;
  j["audio_seconds_this_run"] = run.run_audio_seconds;  // less than audio_seconds after --resume
  j["wall_seconds"] = run.wall_seconds;
  j["model_seconds"] = run.model_seconds;
  j["model_load_seconds"] = run.load_seconds;
  j["files"] = run.files;
  nlohmann::ordered_json failures = nlohmann::ordered_json::array();
  for (const auto& f : run.failures) failures.push_back({{"id", f.id}, {"path", f.path}, {"stage", to_string(f.error_stage)}, {"error", f.error}});
  j["failures"] = failures;
  j["model"] = config.model_dir;
  j["settings"] = config.to_string();
  j["decoding"] = decoding_to_json(decoding);
  j["version"] = version;
  return j;
}

}  // namespace w2v2
