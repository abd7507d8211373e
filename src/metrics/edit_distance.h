#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace w2v2 {

enum class EditOp { kMatch, kSubstitution, kDeletion, kInsertion };

// Costs of the alignment. Unit costs are Kaldi's compute-wer and jiwer; NIST sclite weights a
// substitution 4 and an insertion or deletion 3 (and a match 0).
struct EditCosts {
  int substitution = 1;
  int deletion = 1;
  int insertion = 1;

  static EditCosts unit() { return {}; }
  static EditCosts sclite() { return {4, 3, 3}; }
};

// A minimum-cost alignment of reference to hypothesis tokens.
struct Alignment {
  std::vector<EditOp> ops;  // in order; kDeletion consumes a reference token, kInsertion a hypothesis token
  size_t matches = 0;
  size_t substitutions = 0;
  size_t deletions = 0;
  size_t insertions = 0;
  int64_t cost = 0;

  size_t errors() const { return substitutions + deletions + insertions; }
};

// Levenshtein alignment with the given (non-negative; std::invalid_argument otherwise) costs. Among equal-cost
// alignments the backtrace prefers, from the end: match/substitution, then deletion, then insertion, exactly as
// the full cost table would. Only cells that can lie on a minimum-cost path are computed (Ukkonen's cut-off):
// time O(|ref| x w), w ~ cost / min(insertion, deletion) + ||hyp| - |ref|| diagonals (at most |hyp| + 1);
// memory O(|ref| + |hyp| + w sqrt(|ref|)), never a full table. Unit costs (the default) compute the same cells
// 64 to a machine word (bit-parallel, Myers/Hyyro) and recompute blocks of sqrt(|ref|) rows for the backtrace
// in a narrow band: 630k characters with 5-9 % errors count in about 2 s and 30 MB.
Alignment align(const std::vector<std::string>& reference, const std::vector<std::string>& hypothesis,
                const EditCosts& costs = EditCosts::unit());
// The counts and cost of that same alignment without its ops: the same time; O(|ref| + |hyp|) memory, plus
// O(w sqrt(|ref|)) with unit costs.
Alignment count_edits(const std::vector<std::string>& reference, const std::vector<std::string>& hypothesis,
                      const EditCosts& costs = EditCosts::unit());

// count_edits over the UTF-8 characters (split_characters) of two texts, without a string per character;
// *reference_characters (when given) receives the reference's character count.
Alignment count_character_edits(const std::string& reference, const std::string& hypothesis,
                                const EditCosts& costs = EditCosts::unit(), size_t* reference_characters = nullptr);

std::vector<std::string> split_words(const std::string& text);
// UTF-8 code points (a malformed byte counts as one character); spaces are characters too, as in jiwer's CER.
std::vector<std::string> split_characters(const std::string& text);

}  // namespace w2v2
