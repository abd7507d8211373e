#include "decoding/ctc_prefix_beam_search.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "common/error.h"
#include "decoding/ctc_forced_aligner.h"
#include "decoding/ctc_greedy_decoder.h"

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
// No pruning but the beam size: the search is exact when the beam holds every prefix.
BeamSearchConfig exact(int beam_size, int nbest) {
  BeamSearchConfig config;
  config.beam_size = beam_size;
  config.nbest = nbest;
  config.token_min_log_prob = -std::numeric_limits<float>::infinity();
  config.beam_threshold = 0.0;
  return config;
}

const std::vector<std::vector<double>> kTwoFrames = {{0.5, 0.4, 0.1}, {0.5, 0.4, 0.1}};

TEST(CtcPrefixBeamSearch, HandComputedTwoFramesAndItsNBest) {
  const auto lp = log_of(kTwoFrames);
  const BeamSearchConfig config = exact(8, 5);
  const auto hyps = CtcPrefixBeamSearch(0, config).decode(lp.data(), 2, 3);
  ASSERT_EQ(hyps.size(), 5u);
  const std::vector<std::pair<std::vector<int>, double>> expected = {
      {{1}, 0.56}, {{}, 0.25}, {{2}, 0.11}, {{1, 2}, 0.04}, {{2, 1}, 0.04}};
  for (size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(hyps[k].alignment.tokens, expected[k].first) << k;
    EXPECT_NEAR(std::exp(hyps[k].acoustic_score), expected[k].second, 1e-6) << k;
  }
  EXPECT_NEAR(std::exp(hyps[3].acoustic_score), 0.04, 1e-6);  // "ab" and "ba" tie
  EXPECT_NEAR(std::exp(hyps[4].acoustic_score), 0.04, 1e-6);
  for (size_t k = 1; k < hyps.size(); ++k) EXPECT_LE(hyps[k].acoustic_score, hyps[k - 1].acoustic_score);
}

TEST(CtcPrefixBeamSearch, ABeamOfOneLosesWhatAWiderBeamFinds) {
  const auto lp = log_of(kTwoFrames);
  const BeamSearchConfig config = exact(1, 1);
  const auto hyps = CtcPrefixBeamSearch(0, config).decode(lp.data(), 2, 3);
  ASSERT_EQ(hyps.size(), 1u);
  EXPECT_TRUE(hyps[0].alignment.tokens.empty());  // after frame 1 only "" (0.5) is kept, not "a" (0.4)
  EXPECT_NEAR(std::exp(hyps[0].acoustic_score), 0.25, 1e-6);
}

TEST(CtcPrefixBeamSearch, TokenPruningAndTheBeamThreshold) {
  const auto lp = log_of(kTwoFrames);
  BeamSearchConfig top1 = exact(8, 5);
  top1.token_top_k = 1;  // only "a" extends prefixes
  const auto pruned = CtcPrefixBeamSearch(0, top1).decode(lp.data(), 2, 3);
  ASSERT_EQ(pruned.size(), 2u);
  EXPECT_EQ(pruned[0].alignment.tokens, std::vector<int>{1});
  EXPECT_NEAR(std::exp(pruned[0].acoustic_score), 0.56, 1e-6);
  EXPECT_TRUE(pruned[1].alignment.tokens.empty());

  BeamSearchConfig floor = top1;
  floor.token_top_k = 0;
  floor.token_min_log_prob = std::log(0.2f);  // "b" (0.1) never extends
  EXPECT_EQ(CtcPrefixBeamSearch(0, floor).decode(lp.data(), 2, 3).size(), 2u);

  // A threshold of 1 nat keeps prefixes within a factor e of the best at every frame: after frame 1 "b"
  // (0.1 against 0.5) is dropped, and at the end only "a" (0.56) and "" (0.25) are left, "b" (0.05 once
  // reached from "" alone) and "ab" (0.04) being too far below.
  BeamSearchConfig threshold = exact(8, 3);
  threshold.beam_threshold = 1.0;
  const auto cut = CtcPrefixBeamSearch(0, threshold).decode(lp.data(), 2, 3);
  ASSERT_EQ(cut.size(), 2u);
  EXPECT_EQ(cut[0].alignment.tokens, std::vector<int>{1});
  EXPECT_NEAR(std::exp(cut[0].acoustic_score), 0.56, 1e-6);
  EXPECT_TRUE(cut[1].alignment.tokens.empty());
}

TEST(CtcPrefixBeamSearch, ARepeatedLabelNeedsABlankBetween) {
  // Blank 0, "a" 1. "aa" has one alignment in three frames, a _ a: 0.9 x 0.8 x 0.9 = 0.648.
  const std::vector<std::vector<double>> probs = {{0.1, 0.9}, {0.8, 0.2}, {0.1, 0.9}};
  const auto lp = log_of(probs);
  const BeamSearchConfig config = exact(16, 2);
  const auto hyps = CtcPrefixBeamSearch(0, config).decode(lp.data(), 3, 2);
  ASSERT_EQ(hyps.size(), 2u);
  EXPECT_EQ(hyps[0].alignment.tokens, (std::vector<int>{1, 1}));
  EXPECT_NEAR(std::exp(hyps[0].acoustic_score), 0.9 * 0.8 * 0.9, 1e-6);
  // "a": a a a, a a _, a _ _, _ a a, _ a _, _ _ a = 0.162 + 0.018 + 0.072 + 0.018 + 0.002 + 0.072 = 0.344
  EXPECT_EQ(hyps[1].alignment.tokens, std::vector<int>{1});
  EXPECT_NEAR(std::exp(hyps[1].acoustic_score), 0.344, 1e-6);
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

// Random log-softmax rows, peaky like a trained model's when `sharpness` is large.
std::vector<float> random_log_probs(std::mt19937& rng, int frames, int vocab, double sharpness) {
  std::normal_distribution<double> normal(0.0, sharpness);
  std::vector<float> lp;
  for (int t = 0; t < frames; ++t) {
    std::vector<double> row(static_cast<size_t>(vocab));
    double norm = 0.0;
    for (auto& x : row) norm += std::exp(x = normal(rng));
    for (double x : row) lp.push_back(static_cast<float>(x - std::log(norm)));
  }
  return lp;
}

TEST(CtcPrefixBeamSearch, AWideBeamMatchesEnumeratingEveryAlignment) {
  std::mt19937 rng(2026);
  for (int trial = 0; trial < 300; ++trial) {
    const int frames = 1 + trial % 6;
    const int vocab = 2 + (trial / 6) % 3;
    const int blank = static_cast<int>(rng() % vocab);
    const std::vector<float> lp = random_log_probs(rng, frames, vocab, 2.0);
    const auto oracle = enumerate(lp, frames, vocab, blank);
    std::vector<std::pair<double, std::vector<int>>> ranked;
    for (const auto& [labels, p] : oracle) ranked.push_back({p, labels});
    std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    const BeamSearchConfig config = exact(5000, 3);  // more than the 4^6 alignments: nothing is pruned
    const auto hyps = CtcPrefixBeamSearch(blank, config).decode(lp.data(), frames, vocab);
    ASSERT_EQ(hyps.size(), std::min<size_t>(3, ranked.size())) << trial;
    for (size_t k = 0; k < hyps.size(); ++k) {
      EXPECT_NEAR(hyps[k].acoustic_score, std::log(ranked[k].first), 1e-9) << "trial " << trial << " rank " << k;
      EXPECT_NEAR(oracle.at(hyps[k].alignment.tokens), ranked[k].first, 1e-12) << "trial " << trial << " rank " << k;
    }
  }
}

TEST(CtcPrefixBeamSearch, ZeroFramesGiveTheEmptyLabellingAndBadSettingsAreRefused) {
  const auto hyps = CtcPrefixBeamSearch(0, BeamSearchConfig{}).decode(nullptr, 0, 3);
  ASSERT_EQ(hyps.size(), 1u);
  EXPECT_TRUE(hyps[0].alignment.tokens.empty());
  EXPECT_EQ(hyps[0].acoustic_score, 0.0);
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

TEST(CtcPrefixBeamSearch, BeamOneIsGreedyDecodingOnRandomLogProbs) {
  // Beam 1 keeps one (prefix, ending) hypothesis: the best path. Same units, same word-timing alignment.
  std::mt19937 rng(15);
  BeamSearchConfig one;  // the default pruning, beam 1
  one.beam_size = 1;
  const CtcPrefixBeamSearch beam(0, one);
  const CtcGreedyDecoder greedy(0);
  int nonempty = 0;
  for (int trial = 0; trial < 200; ++trial) {
    const int frames = 1 + trial % 97;
    const int vocab = 2 + trial % 31;
    const auto lp = random_log_probs(rng, frames, vocab, trial % 2 ? 1.0 : 4.0);
    const auto b = beam.decode(lp.data(), frames, vocab);
    const auto g = greedy.decode(lp.data(), frames, vocab);
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(b[0].alignment.tokens, g[0].alignment.tokens) << trial;
    EXPECT_EQ(b[0].alignment.frames, g[0].alignment.frames) << trial;
    EXPECT_EQ(b[0].alignment.end_frames, g[0].alignment.end_frames) << trial;
    ASSERT_EQ(b[0].alignment.probabilities.size(), g[0].alignment.probabilities.size()) << trial;
    for (size_t k = 0; k < g[0].alignment.probabilities.size(); ++k) {
      EXPECT_NEAR(b[0].alignment.probabilities[k], g[0].alignment.probabilities[k], 1e-6) << trial;
    }
    EXPECT_NEAR(b[0].acoustic_score, g[0].acoustic_score, 1e-6 * frames) << trial;  // one path: its log-prob
    nonempty += !g[0].alignment.tokens.empty();
  }
  EXPECT_GT(nonempty, 150);
}

TEST(CtcForcedAligner, FindsTheBestAlignmentOfTheLabels) {
  // Blank 0, "a" 1, "b" 2. Labels "ab" over 4 frames; the best path by hand is a a _ b (0.6 0.5 0.7 0.8).
  const std::vector<std::vector<double>> probs = {
      {0.2, 0.6, 0.2}, {0.3, 0.5, 0.2}, {0.7, 0.2, 0.1}, {0.1, 0.1, 0.8}};
  const auto lp = log_of(probs);
  const CtcHypothesis h = ctc_force_align(lp.data(), 4, 3, 0, {1, 2});
  EXPECT_EQ(h.tokens, (std::vector<int>{1, 2}));
  EXPECT_EQ(h.frames, (std::vector<int>{0, 3}));
  EXPECT_EQ(h.end_frames, (std::vector<int>{2, 4}));
  EXPECT_NEAR(h.probabilities[0], 0.55, 1e-6);
  EXPECT_NEAR(h.probabilities[1], 0.8, 1e-6);
  // "aa" needs a blank between: a _ a over 3 frames at least; 2 frames cannot hold it.
  const CtcHypothesis aa = ctc_force_align(lp.data(), 4, 3, 0, {1, 1});
  EXPECT_EQ(aa.frames.size(), 2u);
  EXPECT_LT(aa.end_frames[0], aa.frames[1]);
  EXPECT_THROW(ctc_force_align(lp.data(), 2, 3, 0, {1, 1, 1}), Error);
}

// Speech-like log-probs: blank likeliest on most frames, a few units in between.
std::vector<float> peaky_log_probs(std::mt19937& rng, int frames, int vocab) {
  std::vector<float> lp = random_log_probs(rng, frames, vocab, 3.0);
  std::uniform_real_distribution<double> coin(0.0, 1.0);
  for (int t = 0; t < frames; ++t) {
    float* row = lp.data() + static_cast<size_t>(t) * vocab;
    if (coin(rng) < 0.7) row[0] += 6.0f;  // renormalized below
    double norm = 0.0;
    for (int v = 0; v < vocab; ++v) norm += std::exp(static_cast<double>(row[v]));
    for (int v = 0; v < vocab; ++v) row[v] -= static_cast<float>(std::log(norm));
  }
  return lp;
}

void expect_same_alignment(const CtcHypothesis& a, const CtcHypothesis& b, int trial) {
  EXPECT_EQ(a.tokens, b.tokens) << trial;
  EXPECT_EQ(a.frames, b.frames) << trial;
  EXPECT_EQ(a.end_frames, b.end_frames) << trial;
  EXPECT_EQ(a.probabilities, b.probabilities) << trial;
}

TEST(CtcForcedAligner, ABandAroundHintsFindsTheFullAlignmentEvenFromBadHints) {
  // Inputs longer than the band (kAlignmentBandFrames either side), labels from greedy decoding, and the
  // full search's result to match. Hints near the path are done in one pass; hints 3 band widths late or
  // early, or all at the start, put the band's best path on an edge (or leave none), so the band is widened:
  // the result is the full search's every time. (Hints that miss the path everywhere and leave it a lesser
  // path inside, off the edges, are not caught: all hints at the end, for example. The beam's hints are where
  // it emitted each unit.)
  std::mt19937 rng(99);
  const CtcGreedyDecoder greedy(0);
  for (int trial = 0; trial < 40; ++trial) {
    const int frames = 300 + 37 * trial, vocab = 3 + trial % 6;
    const auto lp = peaky_log_probs(rng, frames, vocab);
    const std::vector<int> tokens = greedy.decode(lp.data(), frames, vocab)[0].alignment.tokens;
    ASSERT_GT(tokens.size(), 20u) << trial;
    const CtcHypothesis full = ctc_force_align(lp.data(), frames, vocab, 0, tokens);
    std::uniform_int_distribution<int> jitter(-40, 40);
    std::vector<int> near, late, early, at_start(tokens.size(), 0);
    for (const int f : full.frames) {
      near.push_back(std::clamp(f + jitter(rng), 0, frames - 1));
      late.push_back(std::min(frames - 1, f + 3 * kAlignmentBandFrames));
      early.push_back(std::max(0, f - 3 * kAlignmentBandFrames));
    }
    std::sort(near.begin(), near.end());
    AlignmentReport report;
    expect_same_alignment(ctc_force_align(lp.data(), frames, vocab, 0, tokens, near, &report), full, trial);
    EXPECT_EQ(report.passes, 1) << trial;
    EXPECT_EQ(report.radius, kAlignmentBandFrames) << trial;
    for (const auto& hints : {late, early, at_start}) {
      expect_same_alignment(ctc_force_align(lp.data(), frames, vocab, 0, tokens, hints, &report), full, trial);
      EXPECT_GT(report.radius, kAlignmentBandFrames) << trial;  // widened
      EXPECT_FALSE(report.capped) << trial;
    }
  }
  // Hints that are not one per label, out of order or outside the frames are refused.
  const auto lp = peaky_log_probs(rng, 10, 3);
  EXPECT_THROW(ctc_force_align(lp.data(), 10, 3, 0, {1, 2}, {0}), Error);
  EXPECT_THROW(ctc_force_align(lp.data(), 10, 3, 0, {1, 2}, {5, 4}), Error);
  EXPECT_THROW(ctc_force_align(lp.data(), 10, 3, 0, {1, 2}, {0, 10}), Error);
}

TEST(CtcForcedAligner, TheMemoryCapStopsTheWideningWithThePathAtHandOrFailsClearly) {
  // Hints 2 band widths late: the first band's path runs along its edge, the second band is exact. Under a
  // cap too small for the first band there is no path: a clear Error. Under one between the two bands' sizes
  // the first band's path is kept and reported capped. Above both, the full search's alignment.
  std::mt19937 rng(3);
  const int frames = 2000, vocab = 6;
  const auto lp = peaky_log_probs(rng, frames, vocab);
  const std::vector<int> tokens = CtcGreedyDecoder(0).decode(lp.data(), frames, vocab)[0].alignment.tokens;
  const CtcHypothesis full = ctc_force_align(lp.data(), frames, vocab, 0, tokens);
  std::vector<int> late;
  for (const int f : full.frames) late.push_back(std::min(frames - 1, f + 2 * kAlignmentBandFrames));
  bool failed = false, capped = false, exact = false;
  for (size_t cap = 256; cap <= (size_t{64} << 20); cap *= 2) {
    AlignmentReport report;
    try {
      const CtcHypothesis got = ctc_force_align(lp.data(), frames, vocab, 0, tokens, late, &report, cap);
      if (report.capped) {
        capped = true;
        EXPECT_EQ(report.passes, 1) << cap;
        EXPECT_EQ(got.tokens, tokens);
      } else {
        exact = true;
        expect_same_alignment(got, full, static_cast<int>(cap));
      }
    } catch (const Error& e) {
      EXPECT_FALSE(capped || exact) << "a smaller cap succeeded: " << cap;
      EXPECT_NE(std::string(e.what()).find("would need"), std::string::npos) << e.what();
      failed = true;
    }
  }
  EXPECT_TRUE(failed);
  EXPECT_TRUE(capped);
  EXPECT_TRUE(exact);
}

TEST(CtcPrefixBeamSearch, WordTimingsAreTheFullAlignmentOfTheBestTranscript) {
  // The beam aligns its best transcript within a band around the frames it emitted each unit at: the same
  // alignment as the full search over every frame. Every other input has a pause of 3 band widths.
  // The prefix tree is compacted often, so that hints also come from renumbered nodes.
  std::mt19937 rng(5);
  BeamSearchConfig config;
  config.compaction_nodes = 64;
  const CtcPrefixBeamSearch beam(0, config);
  for (int trial = 0; trial < 12; ++trial) {
    const int frames = 500 + 250 * trial, vocab = 4 + trial % 5;
    auto lp = peaky_log_probs(rng, frames, vocab);
    for (int t = 100; trial % 2 == 1 && t < 100 + 3 * kAlignmentBandFrames; ++t) {
      for (int v = 0; v < vocab; ++v) lp[static_cast<size_t>(t * vocab + v)] = v == 0 ? -1e-4f : -12.0f;
    }
    const CtcHypothesis got = beam.decode(lp.data(), frames, vocab).at(0).alignment;
    ASSERT_GT(got.tokens.size(), 50u) << trial;
    expect_same_alignment(got, ctc_force_align(lp.data(), frames, vocab, 0, got.tokens), trial);
  }
}

TEST(CtcPrefixBeamSearch, CompactingThePrefixTreeChangesNothing) {
  // 3,000 frames of flat noise at beam 32 make ~96,000 prefixes; compacting after every few frames must give
  // the same transcripts and scores as never compacting.
  std::mt19937 rng(7);
  const int frames = 3000, vocab = 12;
  const auto lp = random_log_probs(rng, frames, vocab, 1.0);
  BeamSearchConfig never;
  never.nbest = 4;
  never.compaction_nodes = 1 << 30;
  BeamSearchConfig often = never;
  often.compaction_nodes = 64;
  const auto a = CtcPrefixBeamSearch(0, never).decode(lp.data(), frames, vocab);
  const auto b = CtcPrefixBeamSearch(0, often).decode(lp.data(), frames, vocab);
  ASSERT_EQ(a.size(), b.size());
  for (size_t k = 0; k < a.size(); ++k) {
    EXPECT_EQ(a[k].alignment.tokens, b[k].alignment.tokens) << k;
    EXPECT_EQ(a[k].alignment.frames, b[k].alignment.frames) << k;
    EXPECT_EQ(a[k].score, b[k].score) << k;
  }
  EXPECT_GT(a[0].alignment.tokens.size(), 500u);
}

}  // namespace
}  // namespace w2v2
