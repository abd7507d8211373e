#pragma once

#include <string>

#include "metrics/scoring_report.h"

namespace w2v2 {

// The per-utterance scoring details as JSON lines (ScoringReport::write_details_jsonl) in the file `path`,
// written through an OutputStream. Throws OutputError naming the file.
void write_scoring_details(const ScoringReport& report, const std::string& path);

// sclite trn files hyp.trn and ref.trn (ScoringReport::write_trn) in the folder `dir`, created when missing.
// Throws OutputError naming the folder or file.
void write_trn_files(const ScoringReport& report, const std::string& dir);

}  // namespace w2v2
