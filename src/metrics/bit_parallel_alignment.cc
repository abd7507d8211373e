#include "metrics/bit_parallel_alignment.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace w2v2 {
namespace {

// Unit costs: the lattice of edit_distance.cc, 64 cells per machine word (Myers 1999, in Hyyro's formulation). Row i holds
// the horizontal deltas G(i, j) - G(i, j - 1) of columns j = 64w + 1 .. 64w + 64 in word w as two bit masks
// (pv: +1, mv: -1), with score = G(i, 64w + 64). A row is computed only over a range of words [lo, hi]; the
// cells around that range take the values of real paths (down column 64 lo by deletions from its last computed
// cell, or right along row i - 1 by insertions from its last computed cell), so every G is the cost of some
// alignment of the prefixes, never less than the true cost. As in Lattice, a word is dropped from either end
// of the range only when none of its cells can lie on a minimum-cost path to the target cell (it, jt): its cost
// so far plus the insertions or deletions still needed to reach the target's diagonal exceeds a bound that is
// at least the target's cost. A cell of such a path therefore keeps its exact cost and stays inside the range,
// and the backtrace over G makes the choices of the full table.

// The bit masks of the hypothesis positions holding each symbol: a table of words for frequent symbols (up
// to kDenseBytes in all), built per row over the live words from the sorted positions for the others.
class SymbolMasks {
 public:
  static constexpr size_t kDenseBytes = size_t{32} << 20;
  static constexpr int64_t kMinDenseCount = 4;

  SymbolMasks(const TokenIds& t, int64_t words) : words_(words) {
    int32_t symbols = 0;
    for (int32_t x : t.a) symbols = std::max(symbols, x + 1);
    const int64_t m = static_cast<int64_t>(t.b_padded.size()) - 1;
    for (int64_t j = 0; j < m; ++j) symbols = std::max(symbols, t.b()[j] + 1);
    const auto count_of = static_cast<size_t>(symbols);
    std::vector<int64_t> count(count_of);
    for (int64_t j = 0; j < m; ++j) ++count[static_cast<size_t>(t.b()[j])];
    std::vector<int32_t> order(count_of);
    for (int32_t s = 0; s < symbols; ++s) order[static_cast<size_t>(s)] = s;
    std::sort(order.begin(), order.end(), [&count](int32_t x, int32_t y) {
      const int64_t cx = count[static_cast<size_t>(x)], cy = count[static_cast<size_t>(y)];
      return cx != cy ? cx > cy : x < y;
    });
    const size_t dense_limit = kDenseBytes / (sizeof(uint64_t) * static_cast<size_t>(std::max<int64_t>(words, 1)));
    dense_row_.assign(count_of, -1);
    size_t dense = 0;
    for (int32_t s : order) {
      if (dense >= dense_limit || count[static_cast<size_t>(s)] < kMinDenseCount) break;
      dense_row_[static_cast<size_t>(s)] = static_cast<int64_t>(dense++);
    }
    dense_.assign(dense * static_cast<size_t>(words), 0);
    start_.assign(count_of + 1, 0);
    for (int64_t j = 0; j < m; ++j) {
      const auto s = static_cast<size_t>(t.b()[j]);
      if (dense_row_[s] >= 0) {
        dense_[static_cast<size_t>(dense_row_[s] * words + j / 64)] |= uint64_t{1} << (j % 64);
      } else {
        ++start_[s + 1];
      }
    }
    for (size_t s = 0; s < count_of; ++s) start_[s + 1] += start_[s];
    positions_.resize(static_cast<size_t>(start_.back()));
    std::vector<int64_t> fill(start_.begin(), start_.end() - 1);
    for (int64_t j = 0; j < m; ++j) {
      const auto s = static_cast<size_t>(t.b()[j]);
      if (dense_row_[s] < 0) positions_[static_cast<size_t>(fill[s]++)] = j;
    }
    scratch_.assign(static_cast<size_t>(words), 0);
  }

  // The masks of symbol s (bit j % 64 of word j / 64 for hypothesis position j), valid for words lo .. hi;
  // a later call may overwrite them.
  const uint64_t* masks(int32_t s, int64_t lo, int64_t hi) {
    const int64_t row = dense_row_[static_cast<size_t>(s)];
    if (row >= 0) return dense_.data() + row * words_;
    std::fill(scratch_.begin() + lo, scratch_.begin() + hi + 1, uint64_t{0});
    const int64_t* first = positions_.data() + start_[static_cast<size_t>(s)];
    const int64_t* last = positions_.data() + start_[static_cast<size_t>(s) + 1];
    for (const int64_t* p = std::lower_bound(first, last, lo * 64); p != last && *p < (hi + 1) * 64; ++p) {
      scratch_[static_cast<size_t>(*p / 64)] |= uint64_t{1} << (*p % 64);
    }
    return scratch_.data();
  }

 private:
  int64_t words_;
  std::vector<int64_t> dense_row_;  // row in dense_, or -1
  std::vector<uint64_t> dense_;
  std::vector<int64_t> start_, positions_;
  std::vector<uint64_t> scratch_;
};

struct BitWord {
  uint64_t pv, mv;  // G(i, j) - G(i, j - 1) is +1 at the bits of pv, -1 at those of mv, else 0
  int64_t score;    // G(i, 64w + 64)
};

// G(i, j) for j in word w (64w < j <= 64w + 64).
inline int64_t value_in(const BitWord& x, int64_t j) {
  const int b = static_cast<int>((j - 1) % 64);
  const uint64_t above = b == 63 ? 0 : ~uint64_t{0} << (b + 1);
  return x.score - __builtin_popcountll(x.pv & above) + __builtin_popcountll(x.mv & above);
}

// One row of G over words [lo, hi]; base = G(i, 64 lo).
struct BitRow {
  int64_t lo = 0, hi = 0, base = 0;
  std::vector<BitWord> w;  // full width, valid on [lo, hi]

  // Whether column j was computed (or is column 0 while word 0 is live).
  bool live(int64_t j) const { return (j > 64 * lo && j <= 64 * hi + 64) || (j == 0 && lo == 0); }
  int64_t value(int64_t j) const { return j == 64 * lo ? base : value_in(w[static_cast<size_t>((j - 1) / 64)], j); }
};

// Rows kept for later (checkpoints, or the rows of one block during the backtrace): only their live words.
class BitRowStore {
 public:
  void clear() {
    heads_.clear();
    words_.clear();
  }
  void push(const BitRow& r) {
    heads_.push_back({r.lo, r.hi, r.base, words_.size()});
    words_.insert(words_.end(), r.w.begin() + r.lo, r.w.begin() + r.hi + 1);
  }
  void restore(size_t k, BitRow& r) const {
    const Head& h = heads_[k];
    r.lo = h.lo;
    r.hi = h.hi;
    r.base = h.base;
    const auto at = words_.begin() + static_cast<std::ptrdiff_t>(h.offset);
    std::copy(at, at + (h.hi - h.lo + 1), r.w.begin() + h.lo);
  }
  bool live(size_t k, int64_t j) const {
    const Head& h = heads_[k];
    return (j > 64 * h.lo && j <= 64 * h.hi + 64) || (j == 0 && h.lo == 0);
  }
  int64_t value(size_t k, int64_t j) const {
    const Head& h = heads_[k];
    if (j == 64 * h.lo) return h.base;
    return value_in(words_[h.offset + static_cast<size_t>((j - 1) / 64 - h.lo)], j);
  }
  size_t size() const { return heads_.size(); }

 private:
  struct Head {
    int64_t lo, hi, base;
    size_t offset;
  };
  std::vector<Head> heads_;
  std::vector<BitWord> words_;
};

class BitLattice {
 public:
  explicit BitLattice(const TokenIds& t)
      : a_(t.a.data()), n_(static_cast<int64_t>(t.a.size())), m_(static_cast<int64_t>(t.b_padded.size()) - 1),
        words_((m_ + 63) / 64), masks_(t, words_) {}

  int64_t n() const { return n_; }
  int64_t m() const { return m_; }
  BitRow make_row() const {
    BitRow r;
    r.w.resize(static_cast<size_t>(words_));
    return r;
  }

  // Keep the words meeting diagonals [lo, hi] (k = j - i).
  void band(int64_t lo, int64_t hi) {
    fixed_ = true;
    k_lo_ = lo;
    k_hi_ = hi;
  }
  // Keep the words with a cell (i, j), j <= jt, with G(i, j) + |(jt - j) - (it - i)| <= bound.
  void bounded(int64_t it, int64_t jt, int64_t bound) {
    fixed_ = false;
    it_ = it;
    jt_ = jt;
    bound_ = bound;
  }

  // Row 0: G(0, j) = j.
  void first_row(BitRow& r) const {
    r.lo = 0;
    r.base = 0;
    r.hi = 0;
    for (int64_t w = 0; w < words_; ++w) {
      r.w[static_cast<size_t>(w)] = {~uint64_t{0}, 0, 64 * w + 64};
      if (w > 0 && !keep(r, 0, w)) break;
      r.hi = w;
    }
  }

  // Row i >= 1 in place from row i - 1.
  void next_row(int64_t i, BitRow& r) {
    const int32_t s = a_[i - 1];
    int64_t ready = std::min(words_ - 1, r.hi + 1);  // masks valid up to this word
    const uint64_t* eq = masks_.masks(s, r.lo, ready);
    int64_t hin = 1;  // G(i, 64 lo) = G(i - 1, 64 lo) + 1: a deletion (exact at column 0)
    r.base += 1;
    const int64_t old_hi = r.hi;
    const int64_t last_above = r.w[static_cast<size_t>(old_hi)].score;  // G(i - 1, 64 hi + 64)
    BitWord* words = r.w.data();
    for (int64_t w = r.lo; w <= old_hi; ++w) hin = step(eq[w], words[w], hin);
    // Beyond the range, row i - 1 continues by insertions: G(i - 1, j) = last_above + (j - 64 hi - 64).
    for (int64_t w = old_hi + 1; w < words_; ++w) {
      if (w > ready) {
        ready = std::min(words_ - 1, 2 * w - r.lo);
        eq = masks_.masks(s, w, ready);
      }
      words[w] = {~uint64_t{0}, 0, last_above + 64 * (w - old_hi)};
      const int64_t hout = step(eq[w], words[w], hin);
      if (!keep(r, i, w)) break;
      hin = hout;
      r.hi = w;
    }
    while (r.hi > r.lo && !keep(r, i, r.hi)) --r.hi;
    while (r.lo < r.hi && !keep(r, i, r.lo)) {
      r.base = words[r.lo].score;
      ++r.lo;
    }
  }

 private:
  // Word x of row i from its values in row i - 1 and hin = G(i, 64w) - G(i - 1, 64w) in {-1, 0, 1};
  // returns G(i, 64w + 64) - G(i - 1, 64w + 64).
  static int64_t step(uint64_t eq, BitWord& x, int64_t hin) {
    const uint64_t pv = x.pv, mv = x.mv;
    const uint64_t hin_neg = static_cast<uint64_t>(hin < 0);
    const uint64_t hin_pos = static_cast<uint64_t>(hin > 0);
    const uint64_t xv = eq | mv;
    const uint64_t eq2 = eq | hin_neg;
    const uint64_t xh = (((eq2 & pv) + pv) ^ pv) | eq2;
    uint64_t ph = mv | ~(xh | pv);
    uint64_t mh = pv & xh;
    const int64_t hout = static_cast<int64_t>(ph >> 63) - static_cast<int64_t>(mh >> 63);
    ph = (ph << 1) | hin_pos;
    mh = (mh << 1) | hin_neg;
    x.pv = mh | ~(xv | ph);
    x.mv = ph & xv;
    x.score += hout;
    return hout;
  }

  // Whether word w of row i (column 0 too for word 0) may hold a cell of a minimum-cost path to the target.
  bool keep(const BitRow& r, int64_t i, int64_t w) const {
    const int64_t first = w == 0 ? 0 : 64 * w + 1;
    if (fixed_) {
      const int64_t last = std::min(64 * w + 64, m_);
      return first <= last && last - i >= k_lo_ && first - i <= k_hi_;
    }
    const int64_t last = std::min(64 * w + 64, jt_);
    if (first > last) return false;
    const BitWord& x = r.w[static_cast<size_t>(w)];
    const int64_t target = jt_ - (it_ - i);  // the target's diagonal on row i
    // Quick test: the least G in the word and the least distance to that diagonal.
    const int64_t least = x.score - __builtin_popcountll(x.pv);
    const int64_t nearest = target < first ? first - target : target > last ? target - last : 0;
    if (least + nearest > bound_) return false;
    int64_t v = x.score;
    for (int64_t j = 64 * w + 64; j >= first; --j) {
      if (j <= last && v + std::abs(target - j) <= bound_) return true;
      if (j > 64 * w) {
        const int b = static_cast<int>(j - 64 * w - 1);
        v -= static_cast<int64_t>((x.pv >> b) & 1) - static_cast<int64_t>((x.mv >> b) & 1);
      }
    }
    return false;
  }

  const int32_t* a_;
  int64_t n_, m_, words_;
  SymbolMasks masks_;
  bool fixed_ = true;
  int64_t k_lo_ = 0, k_hi_ = 0, it_ = 0, jt_ = 0, bound_ = 0;
};

}  // namespace

// Unit costs, n >= 1, m >= 1. The cost of a band of diagonals around 0 .. m - n (a real alignment, so an upper
// bound); the pruned pass to (n, m) under that bound, keeping every K-th row (K ~ sqrt(n)); then the backtrace
// from (n, m), K rows at a time recomputed from the kept row below them, pruned for the cell the backtrace has
// reached and its exact cost (a narrow band: only the errors of those K rows). With with_ops, the ops too.

Alignment bit_parallel_alignment(const TokenIds& t, bool with_ops) {
  BitLattice lattice(t);
  const int64_t n = lattice.n(), m = lattice.m();
  BitRow row = lattice.make_row();
  constexpr int64_t kMargin = 512;
  lattice.band(std::min<int64_t>(0, m - n) - kMargin, std::max<int64_t>(0, m - n) + kMargin);
  lattice.first_row(row);
  for (int64_t i = 1; i <= n; ++i) lattice.next_row(i, row);
  if (!row.live(m)) throw std::logic_error("edit distance: the band lost the last cell");

  const int64_t block = std::max<int64_t>(16, static_cast<int64_t>(std::sqrt(static_cast<double>(n))));
  BitRowStore kept;
  lattice.bounded(n, m, row.value(m));
  lattice.first_row(row);
  kept.push(row);
  for (int64_t i = 1; i <= n; ++i) {
    lattice.next_row(i, row);
    if (i % block == 0 && i < n) kept.push(row);
  }
  if (!row.live(m)) throw std::logic_error("edit distance: the pruned pass lost the last cell");
  Alignment result;
  result.cost = row.value(m);

  BitRowStore rows;                       // row r0 + k of the block at k
  int64_t i = n, j = m, g = result.cost;  // g = G(i, j), exact on a minimum-cost path
  auto record = [&](EditOp op) {
    ++(op == EditOp::kMatch          ? result.matches
       : op == EditOp::kSubstitution ? result.substitutions
       : op == EditOp::kDeletion     ? result.deletions
                                     : result.insertions);
    if (with_ops) result.ops.push_back(op);
  };
  for (int64_t b = static_cast<int64_t>(kept.size()) - 1; b >= 0 && i > 0; --b) {
    const int64_t r0 = b * block;
    rows.clear();
    kept.restore(static_cast<size_t>(b), row);
    rows.push(row);
    lattice.bounded(i, j, g);
    for (int64_t r = r0 + 1; r < i; ++r) {
      lattice.next_row(r, row);
      rows.push(row);
    }
    while (i > r0) {
      const auto above = static_cast<size_t>(i - 1 - r0);
      if (j > 0) {
        const bool same = t.a[static_cast<size_t>(i - 1)] == t.b()[j - 1];
        if (rows.live(above, j - 1) && rows.value(above, j - 1) + (same ? 0 : 1) == g) {
          record(same ? EditOp::kMatch : EditOp::kSubstitution);
          g -= same ? 0 : 1;
          --i;
          --j;
          continue;
        }
      }
      if (rows.live(above, j) && rows.value(above, j) + 1 == g) {
        record(EditOp::kDeletion);
        --g;
        --i;
        continue;
      }
      if (j == 0) throw std::logic_error("edit distance: the backtrace left the lattice");
      record(EditOp::kInsertion);
      --g;
      --j;
    }
  }
  for (; j > 0; --j) record(EditOp::kInsertion);
  std::reverse(result.ops.begin(), result.ops.end());
  return result;
}

}  // namespace w2v2
