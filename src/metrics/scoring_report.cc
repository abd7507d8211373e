#include "metrics/scoring_report.h"

#include <cstdio>
#include <sstream>

#include "common/field_encoding.h"

namespace w2v2 {
namespace {

nlohmann::ordered_json counts_json(const ErrorCounts& c) {
  return {{"rate", c.rate()},           {"errors", c.errors()},       {"substitutions", c.substitutions},
          {"deletions", c.deletions},   {"insertions", c.insertions}, {"reference_length", c.reference_length}};
}

const char* op_name(EditOp op) {
  switch (op) {
    case EditOp::kMatch: return "C";
    case EditOp::kSubstitution: return "S";
    case EditOp::kDeletion: return "D";
    case EditOp::kInsertion: return "I";
  }
  return "?";
}

}  // namespace

std::string speaker_of(const std::string& id) {
  const size_t dash = id.find('-');
  return dash == std::string::npos ? std::string() : id.substr(0, dash);
}

ScoringReport score_pairs(const std::vector<ScoredPair>& pairs, const ScoringOptions& options) {
  std::vector<UtteranceScore> scores;
  for (const auto& p : pairs) {
    scores.push_back(ErrorRateAccumulator::score(p.id, p.speaker, normalize_transcript(p.reference, options.normalization),
                                                 normalize_transcript(p.hypothesis, options.normalization),
                                                 options.costs));
  }
  return summarize_scores(std::move(scores), options);
}

ScoringReport summarize_scores(std::vector<UtteranceScore> scores, const ScoringOptions& options) {
  ScoringReport report;
  report.options = options;
  ErrorRateAccumulator accumulator(options.costs);
  for (const auto& s : scores) accumulator.add(s);
  report.details = std::move(scores);
  report.words = accumulator.words();
  report.characters = accumulator.characters();
  report.utterances = accumulator.utterances();
  report.speakers = accumulator.speaker_words();
  report.confusions = accumulator.top_confusions(20);
  return report;
}

ScoringReport score_transcripts(const std::map<std::string, std::string>& references,
                                const std::map<std::string, std::string>& hypotheses, const ScoringOptions& options) {
  std::vector<ScoredPair> pairs;
  std::vector<std::string> missing_hyp;
  std::vector<std::string> missing_ref;
  for (const auto& [id, ref] : references) {
    const auto it = hypotheses.find(id);
    if (it == hypotheses.end()) missing_hyp.push_back(id);
    pairs.push_back({id, speaker_of(id), ref, it == hypotheses.end() ? std::string() : it->second});
  }
  for (const auto& [id, hyp] : hypotheses) {
    if (!references.count(id)) missing_ref.push_back(id);
  }
  ScoringReport report = score_pairs(pairs, options);
  report.missing_hypotheses = std::move(missing_hyp);
  report.missing_references = std::move(missing_ref);
  return report;
}

nlohmann::ordered_json ScoringReport::to_json() const {
  nlohmann::ordered_json j;
  j["wer"] = words.rate();
  j["cer"] = characters.rate();
  j["words"] = counts_json(words);
  j["characters"] = counts_json(characters);
  j["utterances"] = utterances;
  j["normalization"] = to_string(options.normalization);
  j["costs"] = {{"substitution", options.costs.substitution},
                {"deletion", options.costs.deletion},
                {"insertion", options.costs.insertion}};
  nlohmann::ordered_json speakers_json = nlohmann::ordered_json::object();
  for (const auto& [speaker, counts] : speakers) speakers_json[speaker.empty() ? "-" : speaker] = counts_json(counts);
  j["speakers"] = speakers_json;
  nlohmann::ordered_json confusions_json = nlohmann::ordered_json::array();
  for (const auto& [pair, count] : confusions) {
    confusions_json.push_back({{"reference", pair.first}, {"hypothesis", pair.second}, {"count", count}});
  }
  j["confusions"] = confusions_json;
  j["missing_hypotheses"] = missing_hypotheses;
  j["missing_references"] = missing_references;
  return j;
}

std::string ScoringReport::summary_table() const {
  char line[256];
  std::ostringstream out;
  std::snprintf(line, sizeof(line), "%-6s %8s %8s %6s %6s %6s %8s\n", "", "rate %", "errors", "sub", "del", "ins",
                "ref");
  out << line;
  for (const auto& [name, c] : {std::pair<const char*, ErrorCounts>{"WER", words}, {"CER", characters}}) {
    std::snprintf(line, sizeof(line), "%-6s %8.2f %8zu %6zu %6zu %6zu %8zu\n", name, 100.0 * c.rate(), c.errors(),
                  c.substitutions, c.deletions, c.insertions, c.reference_length);
    out << line;
  }
  out << "utterances: " << utterances;
  if (!missing_hypotheses.empty()) out << "; without hypothesis (scored as empty): " << missing_hypotheses.size();
  if (!missing_references.empty()) out << "; without reference (not scored): " << missing_references.size();
  out << "\n";
  return out.str();
}

void ScoringReport::write_details_jsonl(std::ostream& out) const {
  for (const auto& d : details) {
    nlohmann::ordered_json j;
    j["id"] = d.id;
    j["speaker"] = d.speaker;
    j["reference"] = d.reference;
    j["hypothesis"] = d.hypothesis;
    j["wer"] = d.words.rate();
    j["words"] = counts_json(d.words);
    j["characters"] = counts_json(d.characters);
    std::string ops;
    for (EditOp op : d.word_alignment.ops) ops += op_name(op);
    j["alignment"] = ops;
    out << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  }
}

void ScoringReport::write_trn(std::ostream& hyp, std::ostream& ref) const {
  for (const auto& d : details) {
    // An id with a TAB, newline, CR or backslash is escaped as in txt transcripts (one line per utterance).
    const std::string id = escape_line_field(d.id);
    hyp << d.hypothesis << " (" << id << ")\n";
    ref << d.reference << " (" << id << ")\n";
  }
}

}  // namespace w2v2
