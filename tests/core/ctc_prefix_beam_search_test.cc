#include "decoding/ctc_prefix_beam_search.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <vector>

#include "common/error.h"

namespace w2v2 {
namespace {

std::vector<float> log_of(const std::vector<std::vector<double>>& probs) {
  std::vector<float> out;
  for (const auto& row : probs) {
    for (double p : row) out.push_back(static_cast<float>(std::log(p)));
  }
  return out;
}

// Blank 0, "a" 1, "b" 2; both frames [0.5, 0.4, 0.1]. By hand: P("a") = aa + a_ + _a = 0.16 + 0.2 + 0.2 =
// 0.56; P("") = 0.25; P("b") = 0.01 + 0.05 + 0.05 = 0.11; P("ab") = P("ba") = 0.04. Greedy reads "" (blank
// wins both frames); the most probable labelling is "a".
const std::vector<std::vector<double>> kTwoFrames = {{0.5, 0.4, 0.1}, {0.5, 0.4, 0.1}};

TEST(CtcPrefixBeamSearch, HandComputedTwoFramesAndItsNBest) {
  const auto lp = log_of(kTwoFrames);
  BeamSearchConfig config;
  config.beam_size = 8;
  config.nbest = 5;
  const auto hyps = CtcPrefixBeamSearch(0, config).decode(lp.data(), 2, 3);
  ASSERT_EQ(hyps.size(), 5u);
  const std::vector<std::pair<std::vector<int>, double>> expected = {
      {{1}, 0.56}, {{}, 0.25}, {{2}, 0.11}, {{1, 2}, 0.04}, {{2, 1}, 0.04}};
  for (size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(hyps[k].tokens, expected[k].first) << k;
    EXPECT_NEAR(std::exp(hyps[k].log_prob), expected[k].second, 1e-6) << k;
  }
  EXPECT_NEAR(std::exp(hyps[3].log_prob), 0.04, 1e-6);  // "ab" and "ba" tie
  EXPECT_NEAR(std::exp(hyps[4].log_prob), 0.04, 1e-6);
  for (size_t k = 1; k < hyps.size(); ++k) EXPECT_LE(hyps[k].log_prob, hyps[k - 1].log_prob);
}

TEST(CtcPrefixBeamSearch, ABeamOfOneLosesWhatAWiderBeamFinds) {
  const auto lp = log_of(kTwoFrames);
  BeamSearchConfig config;
  config.beam_size = 1;
  const auto hyps = CtcPrefixBeamSearch(0, config).decode(lp.data(), 2, 3);
  ASSERT_EQ(hyps.size(), 1u);
  EXPECT_TRUE(hyps[0].tokens.empty());  // after frame 1 only "" (0.5) is kept, not "a" (0.4)
  EXPECT_NEAR(std::exp(hyps[0].log_prob), 0.25, 1e-6);
}

TEST(CtcPrefixBeamSearch, TokenPruningAndTheBeamThreshold) {
  const auto lp = log_of(kTwoFrames);
  BeamSearchConfig top1;
  top1.beam_size = 8;
  top1.nbest = 5;
  top1.token_top_k = 1;  // only "a" extends prefixes
  const auto pruned = CtcPrefixBeamSearch(0, top1).decode(lp.data(), 2, 3);
  ASSERT_EQ(pruned.size(), 2u);
  EXPECT_EQ(pruned[0].tokens, std::vector<int>{1});
  EXPECT_NEAR(std::exp(pruned[0].log_prob), 0.56, 1e-6);
  EXPECT_TRUE(pruned[1].tokens.empty());

  BeamSearchConfig floor = top1;
  floor.token_top_k = 0;
  floor.token_min_log_prob = std::log(0.2f);  // "b" (0.1) never extends
  EXPECT_EQ(CtcPrefixBeamSearch(0, floor).decode(lp.data(), 2, 3).size(), 2u);

  // A threshold of 1 nat keeps prefixes within a factor e of the best at every frame: after frame 1 "b"
  // (0.1 against 0.5) is dropped, and at the end only "a" (0.56) and "" (0.25) are left, "b" (0.05 once
  // reached from "" alone) and "ab" (0.04) being too far below.
  BeamSearchConfig threshold;
  threshold.beam_size = 8;
  threshold.nbest = 3;
  threshold.beam_threshold = 1.0;
  const auto cut = CtcPrefixBeamSearch(0, threshold).decode(lp.data(), 2, 3);
  ASSERT_EQ(cut.size(), 2u);
  EXPECT_EQ(cut[0].tokens, std::vector<int>{1});
  EXPECT_NEAR(std::exp(cut[0].log_prob), 0.56, 1e-6);
  EXPECT_TRUE(cut[1].tokens.empty());
}

TEST(CtcPrefixBeamSearch, ARepeatedLabelNeedsABlankBetween) {
  // Blank 0, "a" 1. "aa" has one alignment in three frames, a _ a: 0.9 x 0.8 x 0.9 = 0.648.
  const std::vector<std::vector<double>> probs = {{0.1, 0.9}, {0.8, 0.2}, {0.1, 0.9}};
  const auto lp = log_of(probs);
  BeamSearchConfig config;
  config.beam_size = 16;
  config.nbest = 2;
  const auto hyps = CtcPrefixBeamSearch(0, config).decode(lp.data(), 3, 2);
  ASSERT_EQ(hyps.size(), 2u);
  EXPECT_EQ(hyps[0].tokens, (std::vector<int>{1, 1}));
  EXPECT_NEAR(std::exp(hyps[0].log_prob), 0.9 * 0.8 * 0.9, 1e-6);
  // "a": a a a, a a _, a _ _, _ a a, _ a _, _ _ a = 0.162 + 0.018 + 0.072 + 0.018 + 0.002 + 0.072 = 0.344
  EXPECT_EQ(hyps[1].tokens, std::vector<int>{1});
  EXPECT_NEAR(std::exp(hyps[1].log_prob), 0.344, 1e-6);
}

// Every alignment of T frames over V symbols, collapsed: label sequence -> probability.
std::map<std::vector<int>, double> enumerate(const std::vector<float>& lp, int frames, int vocab, int blank) {
  std::map<std::vector<int>, double> out;
  std::vector<int> path(static_cast<size_t>(frames), 0);
  for (;;) {
    double log_p = 0.0;
    std::vector<int> labels;
    int previous = -1;
    for (int t = 0; t < frames; ++t) {
      log_p += lp[static_cast<size_t>(t) * vocab + path[t]];
      if (path[t] != blank && path[t] != previous) labels.push_back(path[t]);
      previous = path[t];
    }
    out[labels] += std::exp(log_p);
    int t = 0;
    while (t < frames && ++path[t] == vocab) path[t++] = 0;
    if (t == frames) break;
  }
  return out;
}

TEST(CtcPrefixBeamSearch, AWideBeamMatchesEnumeratingEveryAlignment) {
  std::mt19937 rng(2026);
  std::normal_distribution<double> normal(0.0, 2.0);
  for (int trial = 0; trial < 300; ++trial) {
    const int frames = 1 + trial % 6;
    const int vocab = 2 + (trial / 6) % 3;
    const int blank = static_cast<int>(rng() % vocab);
    std::vector<float> lp;
    for (int t = 0; t < frames; ++t) {
      std::vector<double> row(static_cast<size_t>(vocab));
      double norm = 0.0;
      for (auto& x : row) norm += std::exp(x = normal(rng));
      for (double x : row) lp.push_back(static_cast<float>(x - std::log(norm)));
    }
    const auto oracle = enumerate(lp, frames, vocab, blank);
    std::vector<std::pair<double, std::vector<int>>> ranked;
    for (const auto& [labels, p] : oracle) ranked.push_back({p, labels});
    std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    BeamSearchConfig config;
    config.beam_size = 5000;  // more than the 4^6 alignments: nothing is pruned
    config.nbest = 3;
    const auto hyps = CtcPrefixBeamSearch(blank, config).decode(lp.data(), frames, vocab);
    ASSERT_EQ(hyps.size(), std::min<size_t>(3, ranked.size())) << trial;
    for (size_t k = 0; k < hyps.size(); ++k) {
      EXPECT_NEAR(hyps[k].log_prob, std::log(ranked[k].first), 1e-9) << "trial " << trial << " rank " << k;
      EXPECT_NEAR(oracle.at(hyps[k].tokens), ranked[k].first, 1e-12) << "trial " << trial << " rank " << k;
    }
  }
}

TEST(CtcPrefixBeamSearch, ZeroFramesGiveTheEmptyLabellingAndBadSettingsAreRefused) {
  const auto hyps = CtcPrefixBeamSearch(0, BeamSearchConfig{}).decode(nullptr, 0, 3);
  ASSERT_EQ(hyps.size(), 1u);
  EXPECT_TRUE(hyps[0].tokens.empty());
  EXPECT_EQ(hyps[0].log_prob, 0.0);
  BeamSearchConfig bad;
  bad.beam_size = 0;
  EXPECT_THROW(CtcPrefixBeamSearch(0, bad), ConfigError);
  bad = BeamSearchConfig{};
  bad.nbest = 40;  // more than the beam keeps
  EXPECT_THROW(CtcPrefixBeamSearch(0, bad), ConfigError);
  bad = BeamSearchConfig{};
  bad.token_min_log_prob = 0.5f;
  EXPECT_THROW(CtcPrefixBeamSearch(0, bad), ConfigError);
  EXPECT_THROW(CtcPrefixBeamSearch(0, BeamSearchConfig{}).decode(nullptr, 2, 3), Error);
}

}  // namespace
}  // namespace w2v2
