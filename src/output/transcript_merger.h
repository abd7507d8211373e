#pragma once

#include <string>
#include <vector>

#include "datasets/utterance.h"
#include "output/transcript_writer.h"

namespace w2v2 {

// What `w2v2 merge` found in the shard outputs.
struct MergeReport {
  size_t written = 0;
  std::vector<std::string> missing;     // input ids no part has
  std::vector<std::string> duplicates;  // input ids more than one part (or line) has
  std::vector<std::string> unknown;     // ids in the parts that are not inputs
  bool complete() const { return missing.empty() && duplicates.empty() && unknown.empty(); }
};

// Joins the outputs of shard runs (`parts`, by `format` each txt "id<TAB>text" lines, escaped as
// PlainTextWriter writes them, or jsonl records, read with JsonlWriter::parse, "*_bytes" fields included)
// into `writer`, in the order of `inputs` — the same bytes one process over all inputs writes, ids matched
// byte for byte (TAB, newline or non-UTF-8 bytes in a file name included). Each input takes
// the next record with its id (an input given twice needs two). Writes nothing (and does not call finish)
// when an id is left over (duplicates, unknown) or, for jsonl, when an input is in no part; txt outputs
// omit failed inputs, so there the found ones are written and the missing ids reported. Throws OutputError
// for an unreadable part or a malformed line (naming file and line).
MergeReport merge_transcripts(const std::vector<Utterance>& inputs, const std::vector<std::string>& parts,
                              OutputFormat format, TranscriptWriter& writer);

}  // namespace w2v2
