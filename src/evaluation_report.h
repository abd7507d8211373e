#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "datasets/utterance.h"
#include "metrics/scoring_report.h"
#include "output/utterance_result.h"
#include "pipeline/run_summary.h"
#include "transcriber_config.h"

namespace w2v2 {

// Scores transcription results against the references of their utterances (matched by index). An
// utterance without a reference is not scored; a failed utterance is scored as an empty hypothesis.
ScoringReport score_results(const std::vector<Utterance>& utterances, const std::vector<UtteranceResult>& results,
                            const ScoringOptions& options);

// The `w2v2 eval --report` JSON: scores, run figures (real-time factor, wall and model time), failures,
// model, settings, the decoder with its settings (`decoding`: the resolved DecodingConfig, Transcriber::decoding())
// and version.
nlohmann::ordered_json make_evaluation_report(const ScoringReport& scores, const RunSummary& run,
                                              const TranscriberConfig& config, const DecodingConfig& decoding,
                                              const std::string& version);

// A resolved DecodingConfig as JSON: {"decoder": "greedy"} or, for beam search, its beam settings, LM (file
// or null) and weights, lexicon and hotwords.
nlohmann::ordered_json decoding_to_json(const DecodingConfig& decoding);

}  // namespace w2v2
