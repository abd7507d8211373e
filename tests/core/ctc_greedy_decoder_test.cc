#include "decoding/ctc_greedy_decoder.h"
#include "decoding/log_softmax.h"

#include <gtest/gtest.h>

#include <cmath>

namespace w2v2 {
namespace {

// One-hot-ish logits: row t peaks at ids[t].
std::vector<float> peaks(const std::vector<int>& ids, int vocab) {
  std::vector<float> logits(ids.size() * vocab, -1.0f);
  for (size_t t = 0; t < ids.size(); ++t) logits[t * vocab + ids[t]] = 2.0f;
  return logits;
}

TEST(CtcGreedyDecoder, CollapsesRepeatsAndDropsBlanks) {
  const CtcGreedyDecoder d(0);
  const auto l = peaks({0, 5, 5, 0, 6, 6, 6, 0, 0}, 8);
  const CtcHypothesis h = d.best_path(l.data(), 9, 8);
  EXPECT_EQ(h.tokens, (std::vector<int>{5, 6}));
  EXPECT_EQ(h.frames, (std::vector<int>{1, 4}));
}

TEST(CtcGreedyDecoder, BlankBetweenRepeatsKeepsBoth) {
  const CtcGreedyDecoder d(0);
  const auto l = peaks({7, 0, 7, 7, 0, 7}, 8);
  EXPECT_EQ(d.best_path(l.data(), 6, 8).tokens, (std::vector<int>{7, 7, 7}));
}

TEST(CtcGreedyDecoder, AllBlankIsEmpty) {
  const CtcGreedyDecoder d(0);
  const auto l = peaks({0, 0, 0}, 4);
  EXPECT_TRUE(d.best_path(l.data(), 3, 4).tokens.empty());
  EXPECT_TRUE(d.best_path(nullptr, 0, 4).tokens.empty());
}

TEST(CtcGreedyDecoder, ReadsOnlyTheValidFrames) {
  const CtcGreedyDecoder d(0);
  const auto l = peaks({3, 3, 0, 2, 2}, 4);  // frames 3.. are padding
  EXPECT_EQ(d.best_path(l.data(), 3, 4).tokens, (std::vector<int>{3}));
}

TEST(CtcGreedyDecoder, NonZeroBlankAndTiesTakeTheFirstMaximum) {
  const CtcGreedyDecoder d(3);
  const std::vector<float> l{1, 1, 0, 0,   // tie -> 0
                             0, 0, 0, 5,   // blank
                             0, 2, 2, 0};  // tie -> 1
  EXPECT_EQ(d.best_path(l.data(), 3, 4).tokens, (std::vector<int>{0, 1}));
}

TEST(CtcGreedyDecoder, DelimiterAndSpecialTokensAreEmittedAsUnits) {
  const CtcGreedyDecoder d(0);
  const auto l = peaks({1, 11, 0, 4, 4, 5, 2}, 32);  // <s> H | E </s>
  EXPECT_EQ(d.best_path(l.data(), 7, 32).tokens, (std::vector<int>{1, 11, 4, 5, 2}));
}

}  // namespace
}  // namespace w2v2

namespace w2v2 {
namespace {

TEST(CtcGreedyDecoder, RunEndsAndMeanProbabilities) {
  const CtcGreedyDecoder d(0);
  // vocab 2: row (a, b) -> softmax probability of the larger is 1 / (1 + exp(-|a - b|))
  std::vector<float> l{0, 2,    // t0: token 1, p = 1/(1+e^-2)
                       0, 1,    // t1: token 1, p = 1/(1+e^-1)
                       3, 0,    // t2: blank
                       0, 4};   // t3: token 1 again (after a blank), p = 1/(1+e^-4)
  log_softmax_rows(l.data(), 4, 2);
  double path_log_prob = 0.0;
  const CtcHypothesis h = d.best_path(l.data(), 4, 2, &path_log_prob);
  ASSERT_EQ(h.tokens, (std::vector<int>{1, 1}));
  EXPECT_EQ(h.frames, (std::vector<int>{0, 3}));
  EXPECT_EQ(h.end_frames, (std::vector<int>{2, 4}));
  auto p = [](double margin) { return 1.0 / (1.0 + std::exp(-margin)); };
  EXPECT_NEAR(h.probabilities[0], (p(2) + p(1)) / 2, 1e-6);
  EXPECT_NEAR(h.probabilities[1], p(4), 1e-6);
  EXPECT_NEAR(path_log_prob, std::log(p(2) * p(1) * p(3) * p(4)), 1e-5);
}

TEST(CtcGreedyDecoder, DecodeGivesTheBestPathScoredByItsLogProbability) {
  const CtcGreedyDecoder d(0);
  std::vector<float> l{0, 2, 1,  //
                       3, 0, 0,  //
                       0, 0, 4};
  log_softmax_rows(l.data(), 3, 3);
  const std::vector<DecodedHypothesis> n = d.decode(l.data(), 3, 3);
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].alignment.tokens, (std::vector<int>{1, 2}));
  EXPECT_EQ(n[0].alignment.tokens, d.best_path(l.data(), 3, 3).tokens);
  const double expected = static_cast<double>(l[1]) + l[3] + l[8];
  EXPECT_NEAR(n[0].acoustic_score, expected, 1e-6);
  EXPECT_DOUBLE_EQ(n[0].score, n[0].acoustic_score);
  EXPECT_EQ(n[0].lm_score, 0.0);
  const std::vector<DecodedHypothesis> empty = d.decode(nullptr, 0, 3);
  ASSERT_EQ(empty.size(), 1u);
  EXPECT_TRUE(empty[0].alignment.tokens.empty());
}

}  // namespace
}  // namespace w2v2
