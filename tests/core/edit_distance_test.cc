#include "metrics/edit_distance.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <stdexcept>

#include "metrics/error_rate.h"
#include "text/transcript_normalizer.h"

namespace w2v2 {
namespace {

std::vector<std::string> w(const std::string& s) { return split_words(s); }

// The textbook form: the full cost matrix, then a backtrace preferring match/substitution, deletion,
// insertion from the end. align() and count_edits() must give exactly its ops and counts.
std::vector<EditOp> textbook_alignment(const std::vector<std::string>& r, const std::vector<std::string>& h,
                                       const EditCosts& c) {
  const size_t n = r.size(), m = h.size();
  std::vector<std::vector<int64_t>> d(n + 1, std::vector<int64_t>(m + 1));
  for (size_t i = 0; i <= n; ++i) d[i][0] = static_cast<int64_t>(i) * c.deletion;
  for (size_t j = 0; j <= m; ++j) d[0][j] = static_cast<int64_t>(j) * c.insertion;
  for (size_t i = 1; i <= n; ++i)
    for (size_t j = 1; j <= m; ++j)
      d[i][j] = std::min({d[i - 1][j - 1] + (r[i - 1] == h[j - 1] ? 0 : c.substitution), d[i - 1][j] + c.deletion,
                          d[i][j - 1] + c.insertion});
  std::vector<EditOp> ops;
  for (size_t i = n, j = m; i > 0 || j > 0;) {
    if (i > 0 && j > 0 && d[i][j] == d[i - 1][j - 1] + (r[i - 1] == h[j - 1] ? 0 : c.substitution)) {
      ops.push_back(r[--i] == h[--j] ? EditOp::kMatch : EditOp::kSubstitution);
    } else if (i > 0 && d[i][j] == d[i - 1][j] + c.deletion) {
      ops.push_back(EditOp::kDeletion);
      --i;
    } else {
      ops.push_back(EditOp::kInsertion);
      --j;
    }
  }
  return {ops.rbegin(), ops.rend()};
}

TEST(EditDistance, MatchesTheTextbookBacktraceOnRandomSequences) {
  uint32_t state = 12345;
  auto next = [&state] { return state = state * 1664525u + 1013904223u; };
  for (int trial = 0; trial < 400; ++trial) {
    std::vector<std::string> r(next() % 12), h(next() % 12);
    for (auto& t : r) t = std::string(1, static_cast<char>('a' + next() % 3));
    for (auto& t : h) t = std::string(1, static_cast<char>('a' + next() % 3));
    for (const EditCosts& costs : {EditCosts::unit(), EditCosts::sclite()}) {
      const std::vector<EditOp> expected = textbook_alignment(r, h, costs);
      const Alignment a = align(r, h, costs);
      ASSERT_EQ(a.ops, expected) << "trial " << trial;
      const Alignment counted = count_edits(r, h, costs);
      EXPECT_EQ(counted.cost, a.cost);
      EXPECT_EQ(counted.matches, static_cast<size_t>(std::count(expected.begin(), expected.end(), EditOp::kMatch)));
      EXPECT_EQ(counted.substitutions, a.substitutions);
      EXPECT_EQ(counted.deletions, a.deletions);
      EXPECT_EQ(counted.insertions, a.insertions);
      EXPECT_TRUE(counted.ops.empty());
    }
  }
}

// The implementation before the pruned lattice (kept as the oracle): the forward recurrence over the full
// table with one step byte per cell, counts carried along the chosen steps, and the backtrace from (n, m).
Alignment full_table_align(const std::vector<std::string>& r, const std::vector<std::string>& h, const EditCosts& c) {
  enum Step : uint8_t { kDiagonal, kUp, kLeft };
  struct Cell {
    int64_t cost = 0;
    size_t s = 0, d = 0, i = 0, m = 0;
  };
  const size_t n = r.size(), m = h.size();
  std::vector<uint8_t> steps(n * m);
  std::vector<Cell> previous(m + 1), current(m + 1);
  for (size_t j = 0; j <= m; ++j) previous[j] = {static_cast<int64_t>(j) * c.insertion, 0, 0, j, 0};
  for (size_t i = 1; i <= n; ++i) {
    current[0] = previous[0];
    current[0].cost += c.deletion;
    ++current[0].d;
    for (size_t j = 1; j <= m; ++j) {
      const bool same = r[i - 1] == h[j - 1];
      const int64_t diagonal = previous[j - 1].cost + (same ? 0 : c.substitution);
      const int64_t up = previous[j].cost + c.deletion;
      const int64_t left = current[j - 1].cost + c.insertion;
      const int64_t best = std::min({diagonal, up, left});
      Cell& cell = current[j];
      if (diagonal == best) {
        cell = previous[j - 1];
        ++(same ? cell.m : cell.s);
        steps[(i - 1) * m + (j - 1)] = kDiagonal;
      } else if (up == best) {
        cell = previous[j];
        ++cell.d;
        steps[(i - 1) * m + (j - 1)] = kUp;
      } else {
        cell = current[j - 1];
        ++cell.i;
        steps[(i - 1) * m + (j - 1)] = kLeft;
      }
      cell.cost = best;
    }
    std::swap(previous, current);
  }
  Alignment a;
  a.cost = previous[m].cost;
  a.substitutions = previous[m].s;
  a.deletions = previous[m].d;
  a.insertions = previous[m].i;
  a.matches = previous[m].m;
  for (size_t i = n, j = m; i > 0 || j > 0;) {
    const Step step = i == 0 ? kLeft : j == 0 ? kUp : static_cast<Step>(steps[(i - 1) * m + (j - 1)]);
    if (step == kDiagonal) {
      a.ops.push_back(r[i - 1] == h[j - 1] ? EditOp::kMatch : EditOp::kSubstitution);
      --i;
      --j;
    } else if (step == kUp) {
      a.ops.push_back(EditOp::kDeletion);
      --i;
    } else {
      a.ops.push_back(EditOp::kInsertion);
      --j;
    }
  }
  std::reverse(a.ops.begin(), a.ops.end());
  return a;
}

void expect_same_as_full_table(const std::vector<std::string>& r, const std::vector<std::string>& h,
                               const EditCosts& c, const std::string& what) {
  const Alignment expected = full_table_align(r, h, c);
  const Alignment a = align(r, h, c);
  ASSERT_EQ(a.ops, expected.ops) << what;
  ASSERT_EQ(a.cost, expected.cost) << what;
  ASSERT_EQ(a.matches, expected.matches) << what;
  ASSERT_EQ(a.substitutions, expected.substitutions) << what;
  ASSERT_EQ(a.deletions, expected.deletions) << what;
  ASSERT_EQ(a.insertions, expected.insertions) << what;
  const Alignment counted = count_edits(r, h, c);
  ASSERT_TRUE(counted.ops.empty()) << what;
  ASSERT_EQ(counted.cost, expected.cost) << what;
  ASSERT_EQ(counted.matches, expected.matches) << what;
  ASSERT_EQ(counted.substitutions, expected.substitutions) << what;
  ASSERT_EQ(counted.deletions, expected.deletions) << what;
  ASSERT_EQ(counted.insertions, expected.insertions) << what;
}

// Copies ref with bursts of substitutions, deletions and insertions (each burst 1..burst tokens long).
std::vector<std::string> with_errors(const std::vector<std::string>& ref, double rate, int burst, int vocabulary,
                                     std::mt19937& rng) {
  std::uniform_real_distribution<double> u(0, 1);
  auto word = [&] { return "w" + std::to_string(rng() % static_cast<unsigned>(vocabulary)); };
  std::vector<std::string> hyp;
  for (size_t i = 0; i < ref.size();) {
    if (u(rng) >= rate) {
      hyp.push_back(ref[i++]);
      continue;
    }
    const int length = 1 + static_cast<int>(rng() % static_cast<unsigned>(burst));
    switch (rng() % 3) {
      case 0:
        for (int k = 0; k < length && i < ref.size(); ++k, ++i) hyp.push_back(word());
        break;
      case 1:
        i += std::min<size_t>(static_cast<size_t>(length), ref.size() - i);
        break;
      default:
        for (int k = 0; k < length; ++k) hyp.push_back(word());
    }
  }
  return hyp;
}

std::vector<std::string> random_words(size_t count, int vocabulary, std::mt19937& rng) {
  std::vector<std::string> words(count);
  for (auto& x : words) x = "w" + std::to_string(rng() % static_cast<unsigned>(vocabulary));
  return words;
}

const std::vector<EditCosts> kCostSets{EditCosts::unit(), EditCosts::sclite(), {2, 1, 3}, {5, 1, 1}, {0, 2, 1},
                                       {400000000, 300000000, 300000000}};  // the last needs 64-bit sums

TEST(EditDistance, SmallRandomPairsMatchTheFullTableExactly) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 4000; ++trial) {
    const int vocabulary = 1 + trial % 4;  // few words: many equal-cost ties
    const auto r = random_words(rng() % (trial % 10 == 0 ? 3 : 40), vocabulary, rng);
    const auto h = trial % 3 == 0 ? with_errors(r, 0.3, 3, vocabulary, rng)
                                  : random_words(rng() % (trial % 10 == 1 ? 3 : 40), vocabulary, rng);
    const EditCosts& c = kCostSets[static_cast<size_t>(trial) % kCostSets.size()];
    expect_same_as_full_table(r, h, c, "trial " + std::to_string(trial));
    if (HasFatalFailure()) return;
  }
}

TEST(EditDistance, LongPairsWithBurstsAndShiftsMatchTheFullTableExactly) {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 60; ++trial) {
    const int vocabulary = trial % 2 == 0 ? 3 : 50;
    const auto r = random_words(200 + rng() % 1500, vocabulary, rng);
    std::vector<std::string> h = with_errors(r, 0.02 + 0.05 * (trial % 4), 1 + trial % 20, vocabulary, rng);
    if (trial % 5 == 0) {  // a long block moved from the front to the back: off the narrow band's diagonals
      const size_t cut = std::min<size_t>(h.size(), 150 + rng() % 300);
      std::rotate(h.begin(), h.begin() + static_cast<std::ptrdiff_t>(cut), h.end());
    }
    if (trial % 7 == 0) h.resize(h.size() / 3);  // a truncated hypothesis
    const EditCosts& c = kCostSets[static_cast<size_t>(trial) % 2];
    expect_same_as_full_table(r, h, c, "trial " + std::to_string(trial));
    if (HasFatalFailure()) return;
  }
}

TEST(EditDistance, UnrelatedTextsMatchTheFullTable) {
  std::mt19937 rng(3);
  const auto r = random_words(900, 40, rng);
  const auto h = random_words(700, 40, rng);
  expect_same_as_full_table(r, h, EditCosts::unit(), "unit");
  expect_same_as_full_table(r, h, EditCosts::sclite(), "sclite");
  expect_same_as_full_table({}, {}, EditCosts::unit(), "both empty");
}

// 60k x 60k words: a full table would be 3.6 GB; the pruned lattice stays small. The ops must rebuild
// both texts, and their counts and cost agree with each other and with count_edits.
TEST(EditDistance, SixtyThousandWordsAlignWithoutATable) {
  std::mt19937 rng(5);
  const auto r = random_words(60000, 5000, rng);
  const auto h = with_errors(r, 0.03, 4, 5000, rng);
  const EditCosts c = EditCosts::sclite();
  const Alignment a = align(r, h, c);
  size_t i = 0, j = 0;
  for (EditOp op : a.ops) {
    if (op == EditOp::kMatch) {
      ASSERT_EQ(r[i], h[j]);
    } else if (op == EditOp::kSubstitution) {
      ASSERT_NE(r[i], h[j]);
    }
    i += op == EditOp::kInsertion ? 0 : 1;
    j += op == EditOp::kDeletion ? 0 : 1;
  }
  EXPECT_EQ(i, r.size());
  EXPECT_EQ(j, h.size());
  EXPECT_EQ(a.cost, static_cast<int64_t>(a.substitutions) * c.substitution +
                        static_cast<int64_t>(a.deletions) * c.deletion +
                        static_cast<int64_t>(a.insertions) * c.insertion);
  EXPECT_GT(a.errors(), r.size() / 50);
  EXPECT_LT(a.errors(), r.size() / 10);
  const Alignment counted = count_edits(r, h, c);
  EXPECT_EQ(counted.cost, a.cost);
  EXPECT_EQ(counted.substitutions, a.substitutions);
  EXPECT_EQ(counted.deletions, a.deletions);
  EXPECT_EQ(counted.insertions, a.insertions);
}

// Unit costs take the bit-parallel path (64 cells per word, a pruned range of words per row, kept rows every
// ~sqrt(n) rows and a backtrace recomputing blocks of rows). Lengths cross word and block boundaries; tiny
// alphabets give many ties; large ones give symbols rarer than the dense mask table takes (built per row).
TEST(EditDistance, UnitCostsBitParallelMatchesTheFullTableExactly) {
  std::mt19937 rng(17);
  for (int trial = 0; trial < 3000; ++trial) {
    const int vocabulary = trial % 3 == 0 ? 1 + trial % 4 : trial % 3 == 1 ? 30 : 600;
    const size_t length = rng() % (trial % 4 == 0 ? 8 : trial % 4 == 1 ? 140 : 400);
    auto r = random_words(length, vocabulary, rng);
    auto h = trial % 5 == 4 ? random_words(rng() % 400, vocabulary, rng)
                            : with_errors(r, 0.01 * static_cast<double>(rng() % 40), 1 + trial % 9, vocabulary, rng);
    if (trial % 6 == 0 && !h.empty()) {  // a block moved from the front to the back
      std::rotate(h.begin(), h.begin() + static_cast<std::ptrdiff_t>(rng() % h.size()), h.end());
    }
    if (trial % 7 == 0) h.resize(h.size() / 4);
    if (trial % 2 == 1) std::swap(r, h);  // more deletions than insertions, and the reverse
    expect_same_as_full_table(r, h, EditCosts::unit(), "trial " + std::to_string(trial));
    if (HasFatalFailure()) return;
  }
}

// Characters of long texts: thousands of columns (dozens of words per row) and rows (many kept-row blocks).
TEST(EditDistance, UnitCostsBitParallelMatchesTheFullTableOnLongCharacterTexts) {
  std::mt19937 rng(23);
  const std::vector<std::string> letters{"a", "b", "c", "d", "e", " ", "\xc3\xa9", "\xe6\x9d\xb1", "\xff"};
  for (int trial = 0; trial < 12; ++trial) {
    std::vector<std::string> r(1500 + rng() % 2500);
    for (auto& x : r) x = letters[rng() % (trial % 3 == 0 ? 3 : letters.size())];
    std::vector<std::string> h;
    for (size_t i = 0; i < r.size(); ++i) {  // about 2-14 % character errors, some in bursts
      const unsigned roll = rng() % 1000;
      const unsigned rate = 20 + 40 * static_cast<unsigned>(trial % 4);
      const size_t burst = rng() % 10 == 0 ? 1 + rng() % 30 : 1;
      if (roll < rate / 3) {
        for (size_t k = 0; k < burst; ++k) h.push_back(letters[rng() % letters.size()]);
      } else if (roll < 2 * rate / 3) {
        i += burst - 1;
      } else if (roll < rate) {
        h.push_back(letters[rng() % letters.size()]);
        h.push_back(r[i]);
      } else {
        h.push_back(r[i]);
      }
    }
    if (trial == 5) std::rotate(h.begin(), h.begin() + 700, h.end());
    if (trial == 7) h.resize(h.size() / 2);
    expect_same_as_full_table(r, h, EditCosts::unit(), "trial " + std::to_string(trial));
    if (HasFatalFailure()) return;
  }
}

// Past the full table's reach: the bit-parallel counts equal those of the pruned lattice, run with every cost
// doubled (the same comparisons, so the same backtrace, at twice the cost), and the ops rebuild both texts.
TEST(EditDistance, UnitCostsBitParallelMatchesThePrunedLatticeOnTwentyFiveThousandCharacters) {
  std::mt19937 rng(29);
  const auto r = random_words(5000, 3000, rng);
  std::string ref_text, hyp_text;
  for (const auto& x : r) ref_text += x + " ";
  for (const auto& x : with_errors(r, 0.1, 4, 3000, rng)) hyp_text += x + " ";
  const auto rc = split_characters(ref_text);
  const auto hc = split_characters(hyp_text);
  ASSERT_GT(rc.size(), 25000u);
  const Alignment fast = count_edits(rc, hc);
  const Alignment lattice = count_edits(rc, hc, EditCosts{2, 2, 2});
  EXPECT_EQ(2 * fast.cost, lattice.cost);
  EXPECT_EQ(fast.matches, lattice.matches);
  EXPECT_EQ(fast.substitutions, lattice.substitutions);
  EXPECT_EQ(fast.deletions, lattice.deletions);
  EXPECT_EQ(fast.insertions, lattice.insertions);
  EXPECT_GT(fast.errors(), rc.size() / 40);
  const Alignment a = align(rc, hc);
  EXPECT_EQ(a.ops, align(rc, hc, EditCosts{2, 2, 2}).ops);
  EXPECT_EQ(a.cost, fast.cost);
  size_t i = 0, j = 0;
  for (EditOp op : a.ops) {
    if (op == EditOp::kMatch) {
      ASSERT_EQ(rc[i], hc[j]);
    } else if (op == EditOp::kSubstitution) {
      ASSERT_NE(rc[i], hc[j]);
    }
    i += op == EditOp::kInsertion ? 0 : 1;
    j += op == EditOp::kDeletion ? 0 : 1;
  }
  EXPECT_EQ(i, rc.size());
  EXPECT_EQ(j, hc.size());
}

TEST(EditDistance, NegativeCostsAreRejected) {
  EXPECT_THROW(align(w("a"), w("b"), EditCosts{-1, 1, 1}), std::invalid_argument);
  EXPECT_THROW(count_edits(w("a"), w("b"), EditCosts{1, 1, -1}), std::invalid_argument);
}

TEST(EditDistance, HandComputedCases) {
  const Alignment kitten = align(split_characters("kitten"), split_characters("sitting"));
  EXPECT_EQ(kitten.errors(), 3u);
  EXPECT_EQ(kitten.substitutions, 2u);
  EXPECT_EQ(kitten.insertions, 1u);
  EXPECT_EQ(kitten.deletions, 0u);

  const Alignment identical = align(w("a b c"), w("a b c"));
  EXPECT_EQ(identical.errors(), 0u);
  EXPECT_EQ(identical.matches, 3u);

  const Alignment empty_ref = align({}, w("a b"));
  EXPECT_EQ(empty_ref.insertions, 2u);
  EXPECT_EQ(empty_ref.errors(), 2u);

  const Alignment empty_hyp = align(w("a b c"), {});
  EXPECT_EQ(empty_hyp.deletions, 3u);

  const Alignment all_sub = align(w("a b c"), w("x y z"));
  EXPECT_EQ(all_sub.substitutions, 3u);
  EXPECT_EQ(all_sub.errors(), 3u);

  const Alignment inserted = align(w("a b"), w("x a y b z"));
  EXPECT_EQ(inserted.insertions, 3u);
  EXPECT_EQ(inserted.matches, 2u);
  EXPECT_EQ(inserted.ops, (std::vector<EditOp>{EditOp::kInsertion, EditOp::kMatch, EditOp::kInsertion, EditOp::kMatch,
                                               EditOp::kInsertion}));

  const Alignment mixed = align(w("a b c d e f"), w("a x d e f g"));
  EXPECT_EQ(mixed.substitutions, 1u);
  EXPECT_EQ(mixed.deletions, 1u);
  EXPECT_EQ(mixed.insertions, 1u);

  // An equal-cost tie (3 substitutions or S + D + I): the total is fixed, the backtrace prefers substitutions.
  const Alignment tie = align(w("the cat sat on the mat"), w("the cat sit on mat today"));
  EXPECT_EQ(tie.errors(), 3u);
  EXPECT_EQ(tie.substitutions, 3u);
}

TEST(EditDistance, ScliteCostsPreferDeletionPlusInsertionOnlyWhenCheaper) {
  // Unit costs: one substitution (1) beats deletion + insertion (2); sclite: 4 < 6, the same.
  EXPECT_EQ(align(w("a"), w("b"), EditCosts::sclite()).substitutions, 1u);
  EXPECT_EQ(align(w("a"), w("b"), EditCosts::sclite()).cost, 4);
  // "a b" -> "b c": unit costs give 2 substitutions or D+I (cost 2, tie); sclite: D+I = 6 < 2S = 8.
  const Alignment s = align(w("a b"), w("b c"), EditCosts::sclite());
  EXPECT_EQ(s.cost, 6);
  EXPECT_EQ(s.deletions, 1u);
  EXPECT_EQ(s.insertions, 1u);
}

TEST(EditDistance, Utf8Characters) {
  EXPECT_EQ(split_characters("añb東"), (std::vector<std::string>{"a", "ñ", "b", "東"}));
  EXPECT_EQ(split_characters("a\xff"), (std::vector<std::string>{"a", "\xff"}));
  EXPECT_EQ(align(split_characters("café"), split_characters("cafe")).substitutions, 1u);
}

TEST(ErrorRate, CorpusWerIsTotalErrorsOverTotalWordsNotTheMeanOfRates) {
  ErrorRateAccumulator acc;
  acc.add("u1", "s1", "a b c d e f g h i j", "a b c d e f g h i j");  // 0 / 10
  acc.add("u2", "s2", "k", "x");                                      // 1 / 1
  EXPECT_EQ(acc.words().errors(), 1u);
  EXPECT_EQ(acc.words().reference_length, 11u);
  EXPECT_DOUBLE_EQ(acc.words().rate(), 1.0 / 11.0);  // the mean of per-utterance rates would be 0.5
  EXPECT_DOUBLE_EQ(acc.speaker_words().at("s2").rate(), 1.0);
  EXPECT_EQ(acc.utterances(), 2u);
}

TEST(ErrorRate, ConfusionsAreCountedAndSorted) {
  ErrorRateAccumulator acc;
  acc.add("1", "", "the cat", "a cat");
  acc.add("2", "", "the dog", "a dog");
  acc.add("3", "", "big dog", "pig dog");
  const auto top = acc.top_confusions(5);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].first, (std::pair<std::string, std::string>{"the", "a"}));
  EXPECT_EQ(top[0].second, 2u);
}

TEST(TranscriptNormalizer, Modes) {
  EXPECT_EQ(normalize_transcript("  Don't  stop, believing! ", TextNormalization::kLibriSpeech), "DON'T STOP BELIEVING");
  EXPECT_EQ(normalize_transcript("Well-known: \"yes\"", TextNormalization::kLibriSpeech), "WELL KNOWN YES");
  EXPECT_EQ(normalize_transcript("Don't stop", TextNormalization::kBasic), "DONT STOP");
  EXPECT_EQ(normalize_transcript(" Keep  THIS, as is ", TextNormalization::kNone), "Keep THIS, as is");
  // Typographic apostrophes and quotes, dashes, no-break spaces, guillemets; other letters kept whole.
  EXPECT_EQ(normalize_transcript("don\u2019t stop\u2014now\u00a0\u201cyes\u201d \u00abnon\u00bb",
                                 TextNormalization::kLibriSpeech),
            "DON'T STOP NOW YES NON");
  EXPECT_EQ(normalize_transcript("don\u2019t \u2026", TextNormalization::kBasic), "DONT");
  EXPECT_EQ(normalize_transcript("caf\u00e9 na\u00efve\u3002", TextNormalization::kLibriSpeech), "CAF\u00e9 NA\u00efVE");
  EXPECT_EQ(normalize_transcript("bad \xff byte", TextNormalization::kLibriSpeech), "BAD \xff BYTE");
  EXPECT_EQ(normalize_transcript("don\u2019t", TextNormalization::kNone), "don\u2019t");
  // Zero-width non-joiners and bidi marks belong to their words (Persian, Indic); the middle dot too.
  EXPECT_EQ(normalize_transcript("a\u200cb c\u00b7d e\u200ff", TextNormalization::kLibriSpeech),
            "A\u200cB C\u00b7D E\u200fF");
  // Invalid UTF-8 (a lead byte past 0xF4, an overlong apostrophe) is kept as bytes, never decoded.
  EXPECT_EQ(normalize_transcript("x\xff\xbb\xbfy", TextNormalization::kLibriSpeech), "X\xff\xbb\xbfY");
  EXPECT_EQ(normalize_transcript("x\xf0\x82\x80\x99y", TextNormalization::kLibriSpeech), "X\xf0\x82\x80\x99Y");
  EXPECT_EQ(normalize_transcript("", TextNormalization::kLibriSpeech), "");
  EXPECT_EQ(normalize_transcript("naïve café", TextNormalization::kLibriSpeech), "NAïVE CAFé");
}

}  // namespace
}  // namespace w2v2

namespace w2v2 {
namespace {

TEST(EditDistance, CharacterEditsWithoutStringsEqualCountEditsOverSplitCharacters) {
  // UTF-8 of 1-4 bytes, a space, and malformed bytes (a lone continuation byte, a cut-off lead byte).
  const std::vector<std::string> pieces = {"a", "b", " ", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\x80", "\xe2\x82"};
  std::mt19937 rng(7);
  auto text = [&](size_t n) {
    std::string s;
    for (size_t k = 0; k < n; ++k) s += pieces[rng() % pieces.size()];
    return s;
  };
  for (int trial = 0; trial < 500; ++trial) {
    const std::string ref = text(rng() % 60), hyp = text(rng() % 60);
    for (const EditCosts& costs : {EditCosts::unit(), EditCosts::sclite()}) {
      size_t chars = 0;
      const Alignment fast = count_character_edits(ref, hyp, costs, &chars);
      const Alignment slow = count_edits(split_characters(ref), split_characters(hyp), costs);
      ASSERT_EQ(chars, split_characters(ref).size());
      ASSERT_EQ(fast.cost, slow.cost);
      ASSERT_EQ(fast.matches, slow.matches);
      ASSERT_EQ(fast.substitutions, slow.substitutions);
      ASSERT_EQ(fast.deletions, slow.deletions);
      ASSERT_EQ(fast.insertions, slow.insertions);
    }
  }
}

}  // namespace
}  // namespace w2v2
