#pragma once

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "metrics/error_rate.h"
#include "text/transcript_normalizer.h"

namespace w2v2 {

struct ScoringOptions {
  TextNormalization normalization = TextNormalization::kLibriSpeech;
  EditCosts costs = EditCosts::unit();
};

struct ScoredPair {
  std::string id;
  std::string speaker;
  std::string reference;   // raw
  std::string hypothesis;  // raw
};

// Corpus scores of a set of reference/hypothesis pairs, with the ids that could not be paired.
struct ScoringReport {
  ErrorCounts words;
  ErrorCounts characters;
  size_t utterances = 0;
  std::map<std::string, ErrorCounts> speakers;
  std::vector<std::pair<std::pair<std::string, std::string>, size_t>> confusions;
  std::vector<std::string> missing_hypotheses;  // scored as empty hypotheses (all deletions)
  std::vector<std::string> missing_references;  // hypotheses without a reference: not scored
  std::vector<UtteranceScore> details;
  ScoringOptions options;

  nlohmann::ordered_json to_json() const;  // totals, per speaker, confusions, missing ids (no details)
  std::string summary_table() const;       // readable lines for stdout
  // One JSON object per line and utterance: id, speaker, ref, hyp, counts and the aligned operations.
  void write_details_jsonl(std::ostream& out) const;
  // sclite trn lines "<TEXT> (<speaker>-<utterance>)", hypotheses to `hyp` and references to `ref`.
  void write_trn(std::ostream& hyp, std::ostream& ref) const;
};

ScoringReport score_pairs(const std::vector<ScoredPair>& pairs, const ScoringOptions& options);
// Corpus totals of utterances scored elsewhere (the decode pool), in the given order.
ScoringReport summarize_scores(std::vector<UtteranceScore> scores, const ScoringOptions& options);

// Pairs two id -> text maps; ids missing on either side are recorded in the report, never dropped.
ScoringReport score_transcripts(const std::map<std::string, std::string>& references,
                                const std::map<std::string, std::string>& hypotheses, const ScoringOptions& options);

// "1089-134686-0000" -> "1089"; ids without a dash are their own speaker group "".
std::string speaker_of(const std::string& id);

}  // namespace w2v2
