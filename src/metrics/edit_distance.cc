#include "metrics/edit_distance.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

#include "metrics/bit_parallel_alignment.h"
#include "metrics/token_ids.h"

namespace w2v2 {

namespace {

// How cell (i, j) of the lattice is reached; among equal costs the preference is match/substitution, then
// deletion, then insertion (the documented backtrace order).
enum Step : uint8_t { kDiagonal, kUp, kLeft };

TokenIds to_ids(const std::vector<std::string>& reference, const std::vector<std::string>& hypothesis) {
  std::unordered_map<std::string_view, int32_t> ids;
  ids.reserve(std::min<size_t>(reference.size() + hypothesis.size(), 1 << 20));
  auto id = [&ids](const std::string& s) { return ids.emplace(s, static_cast<int32_t>(ids.size())).first->second; };
  TokenIds t;
  t.a.reserve(reference.size());
  for (const auto& s : reference) t.a.push_back(id(s));
  t.b_padded.reserve(hypothesis.size() + 1);
  t.b_padded.push_back(-1);
  for (const auto& s : hypothesis) t.b_padded.push_back(id(s));
  return t;
}

// The live cells of one row, as diagonals k = j - i (cells outside hold kInf).
struct Span {
  int64_t lo = 0, hi = -1;
};

// The dynamic programme row by row, in diagonal coordinates: row i stores cell (i, i + k) at index k, so the
// diagonal, up and left predecessors are prev[k], prev[k + 1] and cur[k - 1]. A cell whose cost exceeds
// limit[k] is pruned (kInf); the caller sets limit so that no cell of a minimum-cost path is (see bounded()).
// Pruned cells only ever hold more than their true cost, so every cell on an optimal path keeps its exact
// cost and the backtrace choices are those of the full table. Time O(live cells), memory O(|ref| + |hyp|).
template <typename Cost>
class Lattice {
 public:
  static constexpr Cost kInf = std::numeric_limits<Cost>::max() / 4;

  Lattice(const TokenIds& t, const EditCosts& c)
      : a_(t.a.data()), b_(t.b()), n_(static_cast<int64_t>(t.a.size())),
        m_(static_cast<int64_t>(t.b_padded.size()) - 1), sub_(c.substitution), del_(c.deletion),
        ins_(c.insertion), limit_storage_(static_cast<size_t>(n_ + m_ + 3)) {}

  int64_t n() const { return n_; }
  int64_t m() const { return m_; }
  size_t width() const { return static_cast<size_t>(n_ + m_ + 3); }  // one row, diagonals -n-1 .. m+1
  template <typename T>
  T* row(std::vector<T>& storage) const { return storage.data() + n_ + 1; }  // storage of width(): row[k]

  // Keep only diagonals [lo, hi].
  void band(int64_t lo, int64_t hi) {
    for (int64_t k = -n_ - 1; k <= m_ + 1; ++k) limit()[k] = k >= lo && k <= hi ? kInf - 1 : -1;
  }
  // Keep cells whose cost plus the least cost of reaching (n, m) from their diagonal is at most bound: a path
  // through diagonal k still needs |m - n - k| insertions or deletions (Ukkonen's cut-off).
  void bounded(Cost bound) {
    const int64_t d = m_ - n_;
    for (int64_t k = -n_ - 1; k <= m_ + 1; ++k) {
      const Cost rest = k < d ? static_cast<Cost>(ins_ * (d - k)) : static_cast<Cost>(del_ * (k - d));
      limit()[k] = std::min<Cost>(bound - rest, kInf - 1);
    }
  }

  Span first_row(Cost* cur) const {
    cur[-1] = kInf;
    int64_t k = 0;
    cur[0] = 0;
    while (k + 1 <= m_ && cur[k] + ins_ <= limit()[k + 1]) {
      cur[k + 1] = cur[k] + ins_;
      ++k;
    }
    cur[k + 1] = kInf;
    return {0, k};
  }

  // Row i >= 1 from row i - 1 (live on p). With kCounts, counts[k] carries (deletions << 32 | substitutions)
  // along the chosen steps (fewer than 2^32 tokens); with kSteps, steps[k - (p.lo - 1)] records the step of cells up to
  // min(p.hi, m - i) (cells right of those are reached by insertions only).
  template <bool kCounts, bool kSteps>
  Span next_row(int64_t i, const Cost* prev, Span p, Cost* cur, const uint64_t* prev_counts, uint64_t* counts,
                uint8_t* steps) const {
    const int64_t start = p.lo - 1;
    const int64_t end = std::min(p.hi, m_ - i);
    const int32_t ai = a_[i - 1];
    const int32_t* bi = b_ + (i - 1);  // b[j - 1] for j = i + k is bi[k]
    const Cost* limit = this->limit();
    cur[start - 1] = kInf;
    int64_t k = start;
    for (; k <= end; ++k) {
      const bool same = ai == bi[k];
      const Cost diagonal = prev[k] + (same ? 0 : sub_);
      const Cost up = prev[k + 1] + del_;
      const Cost left = cur[k - 1] + ins_;
      const Cost best = std::min(std::min(diagonal, up), left);
      cur[k] = best > limit[k] ? kInf : best;
      if constexpr (kCounts || kSteps) {
        const Step step = diagonal == best ? kDiagonal : up == best ? kUp : kLeft;
        if constexpr (kCounts) {
          counts[k] = step == kDiagonal ? prev_counts[k] + (same ? 0 : 1)
                      : step == kUp     ? prev_counts[k + 1] + (uint64_t{1} << 32)
                                        : counts[k - 1];
        }
        if constexpr (kSteps) steps[k - start] = step;
      }
    }
    for (; k <= m_ - i; ++k) {  // beyond the previous row's span only insertions reach a cell
      const Cost left = cur[k - 1] + ins_;
      if (left > limit[k]) break;
      cur[k] = left;
      if constexpr (kCounts) counts[k] = counts[k - 1];
    }
    Span s{start, k - 1};
    while (s.lo <= s.hi && cur[s.lo] == kInf) ++s.lo;
    while (s.hi >= s.lo && cur[s.hi] == kInf) --s.hi;
    if (s.lo > s.hi) throw std::logic_error("edit distance: every cell of a row was pruned");
    cur[s.hi + 1] = kInf;
    return s;
  }

  // The cost of (n, m) alone, over two rolling rows.
  Cost cost() const {
    std::vector<Cost> x(width()), y(width());
    Cost* prev = row(x);
    Cost* cur = row(y);
    Span s = first_row(prev);
    for (int64_t i = 1; i <= n_; ++i) {
      s = next_row<false, false>(i, prev, s, cur, nullptr, nullptr, nullptr);
      std::swap(prev, cur);
    }
    return prev[m_ - n_];
  }

 private:
  Cost* limit() { return limit_storage_.data() + n_ + 1; }
  const Cost* limit() const { return limit_storage_.data() + n_ + 1; }

  const int32_t* a_;
  const int32_t* b_;
  int64_t n_, m_;
  Cost sub_, del_, ins_;
  std::vector<Cost> limit_storage_;
};

// Prepares lattice for the exact pass: an upper bound from a narrow band around the diagonals 0..m-n (any
// path in it is a real alignment), then the cut-off at that bound. Every minimum-cost path has cost <= the
// bound and so survives the cut-off. Row i then keeps about (bound - cost so far) / min(insertion, deletion)
// diagonals: never more than the full table, for similar texts a band about as wide as the errors are many.
template <typename Cost>
void prune_for_exact(Lattice<Cost>& lattice) {
  constexpr int64_t kMargin = 128;
  const int64_t d = lattice.m() - lattice.n();
  lattice.band(std::min<int64_t>(0, d) - kMargin, std::max<int64_t>(0, d) + kMargin);
  lattice.bounded(lattice.cost());
}

template <typename Cost>
Alignment count_with(const TokenIds& t, const EditCosts& costs) {
  Lattice<Cost> lattice(t, costs);
  prune_for_exact(lattice);
  std::vector<Cost> x(lattice.width()), y(lattice.width());
  std::vector<uint64_t> cx(lattice.width()), cy(lattice.width());
  Cost* prev = lattice.row(x);
  Cost* cur = lattice.row(y);
  uint64_t* prev_counts = lattice.row(cx);
  uint64_t* counts = lattice.row(cy);
  Span s = lattice.first_row(prev);
  for (int64_t k = s.lo; k <= s.hi; ++k) prev_counts[k] = 0;
  for (int64_t i = 1; i <= lattice.n(); ++i) {
    s = lattice.template next_row<true, false>(i, prev, s, cur, prev_counts, counts, nullptr);
    std::swap(prev, cur);
    std::swap(prev_counts, counts);
  }
  const int64_t n = lattice.n(), m = lattice.m();
  const uint64_t packed = prev_counts[m - n];
  Alignment result;
  result.cost = static_cast<int64_t>(prev[m - n]);
  result.substitutions = static_cast<size_t>(packed & 0xffffffffu);
  result.deletions = static_cast<size_t>(packed >> 32);
  result.insertions = static_cast<size_t>(static_cast<int64_t>(result.deletions) + m - n);
  result.matches = static_cast<size_t>(n) - result.substitutions - result.deletions;
  return result;
}

// The exact pass keeps every K-th row (K ~ 2 sqrt(n)); the backtrace recomputes K rows at a time from the
// nearest kept row, with one byte per live cell of those rows. Time: two passes over the live cells (plus
// the narrow band); memory: O(n / K + K) rows of live cells.
template <typename Cost>
Alignment align_with(const TokenIds& t, const EditCosts& costs) {
  Lattice<Cost> lattice(t, costs);
  prune_for_exact(lattice);
  const int64_t n = lattice.n(), m = lattice.m();
  const int64_t block = std::max<int64_t>(8, static_cast<int64_t>(2 * std::sqrt(static_cast<double>(n))));
  struct Kept {
    Span span;
    std::vector<Cost> cost;  // cost[k - span.lo]
  };
  std::vector<Kept> kept;
  std::vector<Cost> x(lattice.width()), y(lattice.width());
  Cost* prev = lattice.row(x);
  Cost* cur = lattice.row(y);
  auto keep = [&](const Cost* row, Span s) { kept.push_back({s, std::vector<Cost>(row + s.lo, row + s.hi + 1)}); };
  Span s = lattice.first_row(prev);
  keep(prev, s);
  for (int64_t i = 1; i <= n; ++i) {
    s = lattice.template next_row<false, false>(i, prev, s, cur, nullptr, nullptr, nullptr);
    std::swap(prev, cur);
    if (i % block == 0 && i < n) keep(prev, s);
  }
  Alignment alignment;
  alignment.cost = static_cast<int64_t>(prev[m - n]);

  std::vector<uint8_t> steps;
  struct Recorded {
    int64_t first, last;  // diagonals with a recorded step
    size_t offset;        // into steps
  };
  std::vector<Recorded> recorded(static_cast<size_t>(block) + 1);
  int64_t i = n, j = m;
  std::vector<EditOp>& ops = alignment.ops;
  for (int64_t b = static_cast<int64_t>(kept.size()) - 1; b >= 0 && i > 0; --b) {
    // Recompute rows r0 + 1 .. i from kept row r0, recording their steps.
    const int64_t r0 = b * block;
    const Kept& k0 = kept[static_cast<size_t>(b)];
    prev = lattice.row(x);
    cur = lattice.row(y);
    std::copy(k0.cost.begin(), k0.cost.end(), prev + k0.span.lo);
    prev[k0.span.lo - 1] = prev[k0.span.hi + 1] = Lattice<Cost>::kInf;
    s = k0.span;
    steps.clear();
    for (int64_t r = r0 + 1; r <= i; ++r) {
      Recorded& rec = recorded[static_cast<size_t>(r - r0)];
      rec = {s.lo - 1, std::min(s.hi, m - r), steps.size()};
      steps.resize(rec.offset + static_cast<size_t>(rec.last - rec.first + 1));
      s = lattice.template next_row<false, true>(r, prev, s, cur, nullptr, nullptr, steps.data() + rec.offset);
      std::swap(prev, cur);
    }
    while (i > r0) {
      const Recorded& rec = recorded[static_cast<size_t>(i - r0)];
      const int64_t k = j - i;
      const Step step = j == 0         ? kUp
                        : k > rec.last ? kLeft  // reached by insertions only
                                       : static_cast<Step>(steps[rec.offset + static_cast<size_t>(k - rec.first)]);
      if (step == kDiagonal) {
        ops.push_back(t.a[static_cast<size_t>(i - 1)] == t.b()[j - 1] ? EditOp::kMatch : EditOp::kSubstitution);
        --i;
        --j;
      } else if (step == kUp) {
        ops.push_back(EditOp::kDeletion);
        --i;
      } else {
        ops.push_back(EditOp::kInsertion);
        --j;
      }
    }
  }
  for (; j > 0; --j) ops.push_back(EditOp::kInsertion);
  std::reverse(ops.begin(), ops.end());
  for (EditOp op : ops) {
    ++(op == EditOp::kMatch          ? alignment.matches
       : op == EditOp::kSubstitution ? alignment.substitutions
       : op == EditOp::kDeletion     ? alignment.deletions
                                     : alignment.insertions);
  }
  return alignment;
}

// int32 costs when no sum can come near kInf (the largest path cost is max cost x (n + m)).
bool fits_int32(const TokenIds& t, const EditCosts& c) {
  if (c.substitution < 0 || c.deletion < 0 || c.insertion < 0) {
    throw std::invalid_argument("edit distance: costs must not be negative");
  }
  const int64_t largest = std::max({c.substitution, c.deletion, c.insertion});
  const int64_t length = static_cast<int64_t>(t.a.size() + t.b_padded.size());
  return largest * length < Lattice<int32_t>::kInf / 4;
}

bool bit_parallel_applies(const TokenIds& t, const EditCosts& c) {
  return c.substitution == 1 && c.deletion == 1 && c.insertion == 1 && !t.a.empty() && t.b_padded.size() > 1;
}

}  // namespace

Alignment align(const std::vector<std::string>& reference, const std::vector<std::string>& hypothesis,
                const EditCosts& costs) {
  const TokenIds t = to_ids(reference, hypothesis);
  if (bit_parallel_applies(t, costs)) return bit_parallel_alignment(t, true);
  return fits_int32(t, costs) ? align_with<int32_t>(t, costs) : align_with<int64_t>(t, costs);
}

Alignment count_edits(const std::vector<std::string>& reference, const std::vector<std::string>& hypothesis,
                      const EditCosts& costs) {
  const TokenIds t = to_ids(reference, hypothesis);
  if (bit_parallel_applies(t, costs)) return bit_parallel_alignment(t, false);
  return fits_int32(t, costs) ? count_with<int32_t>(t, costs) : count_with<int64_t>(t, costs);
}

std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream in(text);
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

namespace {

// Bytes of the UTF-8 character at text[i] (a malformed byte is a character of its own).
size_t character_length(const std::string& text, size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  size_t len = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xe ? 3 : (lead >> 3) == 0x1e ? 4 : 1;
  if (i + len > text.size()) return 1;
  for (size_t k = 1; k < len; ++k) {
    if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) return 1;
  }
  return len;
}

}  // namespace

std::vector<std::string> split_characters(const std::string& text) {
  std::vector<std::string> chars;
  for (size_t i = 0; i < text.size();) {
    const size_t len = character_length(text, i);
    chars.push_back(text.substr(i, len));
    i += len;
  }
  return chars;
}

Alignment count_character_edits(const std::string& reference, const std::string& hypothesis, const EditCosts& costs,
                                size_t* reference_characters) {
  // Characters straight to ids (views into the texts): no string per character (40 MB for 630k characters).
  std::unordered_map<std::string_view, int32_t> ids;
  auto append = [&ids](const std::string& text, std::vector<int32_t>& out) {
    for (size_t i = 0; i < text.size();) {
      const size_t len = character_length(text, i);
      out.push_back(ids.emplace(std::string_view(text).substr(i, len), static_cast<int32_t>(ids.size())).first->second);
      i += len;
    }
  };
  TokenIds t;
  append(reference, t.a);
  t.b_padded.push_back(-1);
  append(hypothesis, t.b_padded);
  if (reference_characters) *reference_characters = t.a.size();
  if (bit_parallel_applies(t, costs)) return bit_parallel_alignment(t, false);
  return fits_int32(t, costs) ? count_with<int32_t>(t, costs) : count_with<int64_t>(t, costs);
}

}  // namespace w2v2
