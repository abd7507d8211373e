#include "metrics/edit_distance.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>

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
