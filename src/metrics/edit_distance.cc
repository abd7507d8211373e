#include "metrics/edit_distance.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <sstream>

namespace w2v2 {

namespace {

// The step that reaches cell (i, j) of the alignment lattice; among equal costs the preference is
// match/substitution, then deletion, then insertion (the documented backtrace order).
enum Step : uint8_t { kDiagonal, kUp, kLeft };

// One row of the dynamic programme: cost of reference[0, i) against hypothesis[0, j) for every j.
struct Cell {
  int64_t cost = 0;
  size_t substitutions = 0, deletions = 0, insertions = 0, matches = 0;
};

// Runs the recurrence row by row with two rows of memory; calls record(i, j, step) for every inner cell.
template <typename Record>
Cell run_lattice(const std::vector<std::string>& reference, const std::vector<std::string>& hypothesis,
                 const EditCosts& costs, Record&& record) {
  const size_t n = reference.size();
  const size_t m = hypothesis.size();
  std::vector<Cell> previous(m + 1), current(m + 1);
  for (size_t j = 0; j <= m; ++j) {
    previous[j].cost = static_cast<int64_t>(j) * costs.insertion;
    previous[j].insertions = j;
  }
  for (size_t i = 1; i <= n; ++i) {
    current[0] = previous[0];
    current[0].cost += costs.deletion;
    ++current[0].deletions;
    for (size_t j = 1; j <= m; ++j) {
      const bool same = reference[i - 1] == hypothesis[j - 1];
      const int64_t diagonal = previous[j - 1].cost + (same ? 0 : costs.substitution);
      const int64_t up = previous[j].cost + costs.deletion;
      const int64_t left = current[j - 1].cost + costs.insertion;
      const int64_t best = std::min({diagonal, up, left});
      Cell& cell = current[j];
      if (diagonal == best) {
        cell = previous[j - 1];
        ++(same ? cell.matches : cell.substitutions);
        record(i, j, kDiagonal);
      } else if (up == best) {
        cell = previous[j];
        ++cell.deletions;
        record(i, j, kUp);
      } else {
        cell = current[j - 1];
        ++cell.insertions;
        record(i, j, kLeft);
      }
      cell.cost = best;
    }
    std::swap(previous, current);
  }
  return previous[m];
}

Alignment counts_of(const Cell& cell) {
  Alignment alignment;
  alignment.cost = cell.cost;
  alignment.matches = cell.matches;
  alignment.substitutions = cell.substitutions;
  alignment.deletions = cell.deletions;
  alignment.insertions = cell.insertions;
  return alignment;
}

}  // namespace

Alignment align(const std::vector<std::string>& reference, const std::vector<std::string>& hypothesis,
                const EditCosts& costs) {
  const size_t n = reference.size();
  const size_t m = hypothesis.size();
  std::vector<uint8_t> steps(n * m);  // steps[(i - 1) * m + (j - 1)]: how cell (i, j) was reached
  Alignment alignment = counts_of(run_lattice(reference, hypothesis, costs, [&](size_t i, size_t j, Step step) {
    steps[(i - 1) * m + (j - 1)] = step;
  }));
  alignment.ops.reserve(alignment.matches + alignment.errors());
  size_t i = n;
  size_t j = m;
  while (i > 0 || j > 0) {
    const Step step = i == 0 ? kLeft : j == 0 ? kUp : static_cast<Step>(steps[(i - 1) * m + (j - 1)]);
    if (step == kDiagonal) {
      alignment.ops.push_back(reference[i - 1] == hypothesis[j - 1] ? EditOp::kMatch : EditOp::kSubstitution);
      --i;
      --j;
    } else if (step == kUp) {
      alignment.ops.push_back(EditOp::kDeletion);
      --i;
    } else {
      alignment.ops.push_back(EditOp::kInsertion);
      --j;
    }
  }
  std::reverse(alignment.ops.begin(), alignment.ops.end());
  return alignment;
}

Alignment count_edits(const std::vector<std::string>& reference, const std::vector<std::string>& hypothesis,
                      const EditCosts& costs) {
  return counts_of(run_lattice(reference, hypothesis, costs, [](size_t, size_t, Step) {}));
}

std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream in(text);
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

std::vector<std::string> split_characters(const std::string& text) {
  std::vector<std::string> chars;
  for (size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    size_t len = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xe ? 3 : (lead >> 3) == 0x1e ? 4 : 1;
    if (i + len > text.size()) len = 1;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) {
        len = 1;
        break;
      }
    }
    chars.push_back(text.substr(i, len));
    i += len;
  }
  return chars;
}

}  // namespace w2v2
