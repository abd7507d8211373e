#include "metrics/edit_distance.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <sstream>

namespace w2v2 {

Alignment align(const std::vector<std::string>& reference, const std::vector<std::string>& hypothesis,
                const EditCosts& costs) {
  const size_t n = reference.size();
  const size_t m = hypothesis.size();
  // cost[i][j]: aligning reference[0, i) with hypothesis[0, j); row-major (n + 1) x (m + 1).
  std::vector<int64_t> cost((n + 1) * (m + 1));
  auto at = [&](size_t i, size_t j) -> int64_t& { return cost[i * (m + 1) + j]; };
  for (size_t i = 0; i <= n; ++i) at(i, 0) = static_cast<int64_t>(i) * costs.deletion;
  for (size_t j = 0; j <= m; ++j) at(0, j) = static_cast<int64_t>(j) * costs.insertion;
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      const int64_t diagonal = at(i - 1, j - 1) + (reference[i - 1] == hypothesis[j - 1] ? 0 : costs.substitution);
      at(i, j) = std::min({diagonal, at(i - 1, j) + costs.deletion, at(i, j - 1) + costs.insertion});
    }
  }
  Alignment alignment;
  alignment.cost = at(n, m);
  size_t i = n;
  size_t j = m;
  while (i > 0 || j > 0) {
    if (i > 0 && j > 0) {
      const bool same = reference[i - 1] == hypothesis[j - 1];
      if (at(i, j) == at(i - 1, j - 1) + (same ? 0 : costs.substitution)) {
        alignment.ops.push_back(same ? EditOp::kMatch : EditOp::kSubstitution);
        --i;
        --j;
        continue;
      }
    }
    if (i > 0 && at(i, j) == at(i - 1, j) + costs.deletion) {
      alignment.ops.push_back(EditOp::kDeletion);
      --i;
    } else {
      alignment.ops.push_back(EditOp::kInsertion);
      --j;
    }
  }
  std::reverse(alignment.ops.begin(), alignment.ops.end());
  for (EditOp op : alignment.ops) {
    switch (op) {
      case EditOp::kMatch: ++alignment.matches; break;
      case EditOp::kSubstitution: ++alignment.substitutions; break;
      case EditOp::kDeletion: ++alignment.deletions; break;
      case EditOp::kInsertion: ++alignment.insertions; break;
    }
  }
  return alignment;
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
