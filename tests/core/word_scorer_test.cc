#include "decoding/word_scorer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <cstdio>
#include <map>
#include <set>
#include <string>

#include "common/error.h"
#include "decoding/ctc_prefix_beam_search.h"
#include "decoding/hotword_graph.h"
#include "decoding/word_list_files.h"

namespace w2v2 {
namespace {

// A bigram model written out by hand (log10): unigrams, and bigrams that override them; no backoff weights.
// State: the last word (or <s>). </s> scores `end` after any word.
class HandBigramLm : public LanguageModel {
 public:
  HandBigramLm(std::map<std::string, float> unigrams, std::map<std::pair<std::string, std::string>, float> bigrams,
               float end = 0.0f)
      : unigrams_(std::move(unigrams)), bigrams_(std::move(bigrams)), end_(end) {
    words_ = {"<unk>", "<s>"};
    for (const auto& [w, p] : unigrams_) words_.push_back(w);
  }
  int order() const override { return 2; }
  LmWordId word_id(std::string_view word) const override {
    for (size_t i = 2; i < words_.size(); ++i) {
      if (words_[i] == word) return static_cast<LmWordId>(i);
    }
    return kLmUnknownWord;
  }
  LmState begin_sentence_state() const override { return state_of(1); }
  LmState null_context_state() const override { return LmState{}; }
  float score(const LmState& in, LmWordId word, LmState& out) const override {
    const std::string& w = words_[word];
    float p = word == kLmUnknownWord ? -4.0f : unigrams_.at(w);
    if (in.length > 0) {
      const auto it = bigrams_.find({words_[in.words[0]], w});
      if (it != bigrams_.end()) p = it->second;
    }
    ++calls;
    out = state_of(word);
    return p;
  }
  float end_sentence_score(const LmState&) const override { return end_; }
  void for_each_unigram(const std::function<void(std::string_view, float)>& visit) const override {
    for (const auto& [w, p] : unigrams_) visit(w, p);
  }
  uint64_t ngram_count(int n) const override { return n == 1 ? unigrams_.size() : bigrams_.size(); }

  mutable int calls = 0;

 private:
  static LmState state_of(LmWordId id) {
    LmState s;
    s.words[0] = id;
    s.length = 1;
    return s;
  }
  std::map<std::string, float> unigrams_;
  std::map<std::pair<std::string, std::string>, float> bigrams_;
  float end_;
  std::vector<std::string> words_;
};

UnitSpelling piece(const std::string& text, bool starts = false) {
  return {UnitSpelling::Kind::kPiece, text, starts};
}
const UnitSpelling kSilent{};
const UnitSpelling kBoundary{UnitSpelling::Kind::kWordBoundary, "", false};

std::vector<float> log_of(const std::vector<std::vector<double>>& probs) {
  std::vector<float> out;
  for (const auto& row : probs) {
    for (double p : row) out.push_back(static_cast<float>(std::log(p)));
  }
  return out;
}

BeamSearchConfig wide(int nbest) {
  BeamSearchConfig config;
  config.beam_size = 64;
  config.nbest = nbest;
  config.token_min_log_prob = -std::numeric_limits<float>::infinity();
  config.beam_threshold = 0.0;
  return config;
}

// Blank 0, "A" 1, "B" 2; three frames [0.5, 0.2, 0.3]. By hand (alignments that collapse to each):
// P("A") = 3 x 0.2 x 0.25 + 2 x 0.04 x 0.5 + 0.008 = 0.198; P("B") = 3 x 0.3 x 0.25 + 2 x 0.09 x 0.5 + 0.027
// = 0.342; P("") = 0.125. Acoustically "B" wins.
const std::vector<std::vector<double>> kThreeFrames = {{0.5, 0.2, 0.3}, {0.5, 0.2, 0.3}, {0.5, 0.2, 0.3}};
const std::vector<UnitSpelling> kAB = {kSilent, piece("A"), piece("B")};

std::vector<std::string> texts(const std::vector<DecodedHypothesis>& hyps) {
  std::vector<std::string> out;
  for (const auto& h : hyps) {
    std::string t;
    for (int u : h.alignment.tokens) t += u == 1 ? "A" : u == 2 ? "B" : u == 3 ? "|" : "?";
    out.push_back(t);
  }
  return out;
}

TEST(WordScorer, HandComputedThreeFramesWithoutAndWithAnLm) {
  const auto lp = log_of(kThreeFrames);
  const auto plain = CtcPrefixBeamSearch(0, wide(3)).decode(lp.data(), 3, 3);
  EXPECT_EQ(texts(plain), (std::vector<std::string>{"B", "A", ""}));
  EXPECT_NEAR(plain[0].acoustic_score, std::log(0.342), 1e-6);
  EXPECT_NEAR(plain[1].acoustic_score, std::log(0.198), 1e-6);
  EXPECT_NEAR(plain[2].acoustic_score, std::log(0.125), 1e-6);

  // The LM: log10 P(A) = -0.5, P(B) = -2; alpha 1, beta 2, no sentence boundary. Scores (natural log):
  // "A": ln 0.198 + ln 10^-0.5 + 2 = -0.7703; "": ln 0.125 = -2.0794 (no word); "B": ln 0.342 - 4.6052 + 2 = -3.6781.
  auto lm = std::make_shared<HandBigramLm>(std::map<std::string, float>{{"A", -0.5f}, {"B", -2.0f}},
                                           std::map<std::pair<std::string, std::string>, float>{});
  WordScorerConfig weights;
  weights.lm_weight = 1.0;
  weights.word_score = 2.0;
  weights.score_boundary = false;
  auto scorer = std::make_shared<WordScorer>(kAB, lm, weights);
  const auto with_lm = CtcPrefixBeamSearch(0, wide(3), scorer).decode(lp.data(), 3, 3);
  EXPECT_EQ(texts(with_lm), (std::vector<std::string>{"A", "", "B"}));
  EXPECT_NEAR(with_lm[0].score, std::log(0.198) - 0.5 * std::log(10.0) + 2.0, 1e-5);
  EXPECT_NEAR(with_lm[0].acoustic_score, std::log(0.198), 1e-6);
  EXPECT_NEAR(with_lm[0].lm_score, -0.5 * std::log(10.0) + 2.0, 1e-5);
  EXPECT_NEAR(with_lm[1].score, std::log(0.125), 1e-6);
  EXPECT_NEAR(with_lm[2].score, std::log(0.342) - 2.0 * std::log(10.0) + 2.0, 1e-5);
  for (size_t k = 1; k < with_lm.size(); ++k) EXPECT_GE(with_lm[k - 1].score, with_lm[k].score);
}

TEST(WordScorer, ContextSentenceBoundaryAndUnknownWords) {
  // Units: blank, "|", "A", "B", "C"; words are spelled letter by letter and end at "|" or at the end.
  const std::vector<UnitSpelling> units = {kSilent, kBoundary, piece("A"), piece("B"), piece("C")};
  auto lm = std::make_shared<HandBigramLm>(
      std::map<std::string, float>{{"A", -1.0f}, {"AB", -2.0f}},
      std::map<std::pair<std::string, std::string>, float>{{{"<s>", "AB"}, -0.25f}, {{"AB", "A"}, -0.5f}}, -0.75f);
  WordScorerConfig weights;  // alpha 0.5, beta 1, unk -10, boundary on, lookahead on
  const WordScorer scorer(units, lm, weights);
  const double a = 0.5 * std::log(10.0);
  auto spell = [&](const std::vector<int>& seq) {
    WordState s = scorer.initial();
    for (int u : seq) scorer.extend(s, u, s);
    return s;
  };
  // "A" in progress: lookahead = the best unigram below "A" (A itself, -1) x alpha ln 10.
  EXPECT_NEAR(spell({2}).total(), a * -1.0, 1e-9);
  // "AB|": the bigram <s> AB = -0.25, + beta.
  EXPECT_NEAR(spell({2, 3, 1}).total(), a * -0.25 + 1.0, 1e-9);
  // "AB|A" then the end: + (AB A = -0.5) + beta + </s> (-0.75).
  WordState end;
  scorer.finish(spell({2, 3, 1, 2}), end);
  EXPECT_NEAR(end.total(), a * (-0.25 - 0.5 - 0.75) + 2.0, 1e-9);
  // "C" is no unigram's prefix: the unknown-word offset (added to the log10 score, as pyctcdecode does) at
  // once, and when it completes, with P(<unk>) = -4 here.
  EXPECT_NEAR(spell({4}).total(), a * -10.0, 1e-9);
  scorer.finish(spell({4}), end);
  EXPECT_NEAR(end.total(), a * (-4.0 - 10.0 - 0.75) + 1.0, 1e-9);
  // An unknown word in progress costs more once it is longer than 6 bytes (x 8/6 at 8), so that it cannot
  // swallow the words after it; completing it costs the plain offset again.
  EXPECT_NEAR(spell({4, 4, 2, 4, 4, 2, 4, 4}).total(), a * -10.0 * 8 / 6, 1e-9);
  EXPECT_NEAR(spell({4, 4, 2, 4, 4, 2, 4, 4, 1}).total(), a * (-4.0 - 10.0) + 1.0, 1e-9);
  // Doubled and leading boundaries make no empty words.
  EXPECT_NEAR(spell({1, 2, 3, 1, 1}).total(), spell({2, 3, 1}).total(), 1e-12);
}

TEST(WordScorer, ALexiconRestrictsTheWords) {
  const auto lp = log_of(kThreeFrames);
  auto scorer = std::make_shared<WordScorer>(kAB, nullptr, WordScorerConfig{}, std::vector<std::string>{"A"});
  const auto hyps = CtcPrefixBeamSearch(0, wide(3), scorer).decode(lp.data(), 3, 3);
  EXPECT_EQ(texts(hyps), (std::vector<std::string>{"A", ""}));  // "B" is not a word of the lexicon
  EXPECT_NEAR(hyps[0].score, std::log(0.198), 1e-6);           // no LM: the restriction adds no score
  // A word that is only a lexicon word's prefix ("A") cannot end the transcript. P("AB") = 3 x 0.2 x 0.3
  // x 0.5 + 0.04 x 0.3 + 0.2 x 0.09 = 0.12, below P("") = 0.125.
  auto longer = std::make_shared<WordScorer>(kAB, nullptr, WordScorerConfig{}, std::vector<std::string>{"AB"});
  const auto ab = CtcPrefixBeamSearch(0, wide(3), longer).decode(lp.data(), 3, 3);
  EXPECT_EQ(texts(ab), (std::vector<std::string>{"", "AB"}));
  EXPECT_NEAR(ab[1].score, std::log(0.12), 1e-6);
}

TEST(WordScorer, AHotwordTurnsTheWrongWordRight) {
  const auto lp = log_of(kThreeFrames);
  auto boosted = [&](double boost) {
    auto graph = std::make_shared<HotwordGraph>();
    graph->add("A", boost);
    graph->finalize();
    auto scorer = std::make_shared<WordScorer>(kAB, nullptr, WordScorerConfig{}, std::vector<std::string>{}, graph,
                                               std::vector<std::string>{"A"});
    return CtcPrefixBeamSearch(0, wide(2), scorer).decode(lp.data(), 3, 3);
  };
  // ln 0.342 - ln 0.198 = 0.5465: a boost of 0.3 is not enough, 1.0 is; the whole boost counts once finished.
  EXPECT_EQ(texts(boosted(0.3))[0], "B");
  const auto hyps = boosted(1.0);
  EXPECT_EQ(texts(hyps)[0], "A");
  EXPECT_NEAR(hyps[0].score, std::log(0.198) + 1.0, 1e-6);
}

TEST(HotwordGraph, PartialMatchesEarnTheirShareAndMismatchesTakeItBack) {
  HotwordGraph graph;
  graph.add("NEW YORK", 9.0);  // " NEW YORK ": 9 bytes after the leading space, 1 each
  graph.finalize();
  int s = graph.start();
  for (char c : std::string("NEW Y")) s = graph.next(s, static_cast<unsigned char>(c));
  EXPECT_NEAR(graph.partial(s), 5.0, 1e-12);
  s = graph.next(s, 'E');  // "NEW YE": no phrase goes on like this
  EXPECT_NEAR(graph.partial(s), 0.0, 1e-12);
  s = graph.start();
  for (char c : std::string("NEW YORK ")) s = graph.next(s, static_cast<unsigned char>(c));
  EXPECT_TRUE(graph.completes(s));
  EXPECT_NEAR(graph.completed_boost(s), 9.0, 1e-12);
  // Overlapping phrases: "YORK" (boost 2) ends inside " NEW YORK CITY " and earns its own boost, not the
  // longer phrase's share.
  HotwordGraph overlap;
  overlap.add("NEW YORK CITY", 13.0);
  overlap.add("YORK", 2.0);
  overlap.finalize();
  s = overlap.start();
  for (char c : std::string("NEW YORK ")) s = overlap.next(s, static_cast<unsigned char>(c));
  EXPECT_TRUE(overlap.completes(s));
  EXPECT_NEAR(overlap.completed_boost(s), 2.0, 1e-12);
  EXPECT_NEAR(overlap.partial(s), 9.0 * 13 / 14, 1e-12);  // 9 of the 14 bytes after the leading space
  // Only whole words: "RENEW YORK" does not match.
  s = graph.start();
  for (char c : std::string("RENEW YORK ")) s = graph.next(s, static_cast<unsigned char>(c));
  EXPECT_FALSE(graph.completes(s));
}

TEST(WordScorer, NBestIsOrderedAndReadsDifferently) {
  // Units: blank, "A", "B", "|". "A|" and "A" read the same: only the better one is listed.
  const std::vector<UnitSpelling> units = {kSilent, piece("A"), piece("B"), kBoundary};
  const auto lp = log_of({{0.4, 0.3, 0.2, 0.1}, {0.4, 0.2, 0.2, 0.2}, {0.5, 0.1, 0.2, 0.2}});
  auto scorer = std::make_shared<WordScorer>(units, nullptr, WordScorerConfig{});
  const auto hyps = CtcPrefixBeamSearch(0, wide(8), scorer).decode(lp.data(), 3, 4);
  ASSERT_GE(hyps.size(), 5u);
  std::set<std::string> read;
  for (size_t k = 0; k < hyps.size(); ++k) {
    if (k > 0) EXPECT_GE(hyps[k - 1].score, hyps[k].score);
    std::string t;
    for (int u : hyps[k].alignment.tokens) t += u == 1 ? "A" : u == 2 ? "B" : " ";
    while (!t.empty() && t.front() == ' ') t.erase(0, 1);
    while (!t.empty() && t.back() == ' ') t.pop_back();
    EXPECT_TRUE(read.insert(t).second) << "listed twice: '" << t << "'";
  }
}

TEST(WordListFiles, UnicodeCaseFoldingAndSkippedEntries) {
  // Units spell upper-case letters and "É" (two UTF-8 bytes).
  const std::vector<UnitSpelling> units = {kSilent, kBoundary, piece("C"), piece("A"), piece("F"), piece("\xC3\x89")};
  EXPECT_EQ(spellable_form("caf\xC3\x89", units), "CAF\xC3\x89");  // ASCII letters upper-cased, É kept
  EXPECT_EQ(spellable_form("CAFE", units), "");                    // no "E" unit
  const std::string dir = ::testing::TempDir();
  const std::string lexicon = dir + "/lexicon.txt";
  {
    std::FILE* f = std::fopen(lexicon.c_str(), "w");
    std::fputs("# comment\ncaf\xC3\x89\nCAF\xC3\x89 c a f \xC3\x89\nzebra\n\nACCA\n", f);
    std::fclose(f);
  }
  EXPECT_EQ(read_lexicon(lexicon, units), (std::vector<std::string>{"CAF\xC3\x89", "ACCA"}));  // zebra skipped
  const std::string hot = dir + "/hotwords.txt";
  {
    std::FILE* f = std::fopen(hot.c_str(), "w");
    std::fputs("caf\xC3\x89 acca 4.5\nCAFE 2\nfac\n", f);
    std::fclose(f);
  }
  const auto phrases = read_hotwords(hot, units, 8.0);
  ASSERT_EQ(phrases.size(), 2u);
  EXPECT_EQ(phrases[0].phrase, "CAF\xC3\x89 ACCA");
  EXPECT_EQ(phrases[0].boost, 4.5);
  EXPECT_EQ(phrases[1].phrase, "FAC");
  EXPECT_EQ(phrases[1].boost, 8.0);
  {
    std::FILE* f = std::fopen(hot.c_str(), "w");
    std::fputs("ACCA 0\n", f);
    std::fclose(f);
  }
  try {
    read_hotwords(hot, units, 8.0);
    FAIL() << "a zero boost was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(hot + ":1"), std::string::npos) << e.what();
  }
  EXPECT_THROW(read_lexicon(dir + "/missing.txt", units), ConfigError);
}

TEST(WordScorer, UnicodeWordsInTheLexiconDecode) {
  // Units: blank, "C", "A", "F", "É". The lexicon word "CAFÉ" is allowed; "CAF" alone is not a word.
  const std::vector<UnitSpelling> units = {kSilent, piece("C"), piece("A"), piece("F"), piece("\xC3\x89")};
  auto scorer = std::make_shared<WordScorer>(units, nullptr, WordScorerConfig{},
                                             std::vector<std::string>{"CAF\xC3\x89"});
  // Frames favour C A F then blank over É (0.45 vs 0.4): open vocabulary reads "CAF", the lexicon "CAFÉ".
  const auto lp = log_of({{0.1, 0.6, 0.1, 0.1, 0.1},
                          {0.1, 0.1, 0.6, 0.1, 0.1},
                          {0.1, 0.1, 0.1, 0.6, 0.1},
                          {0.45, 0.05, 0.05, 0.05, 0.4}});
  const auto open = CtcPrefixBeamSearch(0, wide(1)).decode(lp.data(), 4, 5);
  EXPECT_EQ(open[0].alignment.tokens, (std::vector<int>{1, 2, 3}));
  const auto restricted = CtcPrefixBeamSearch(0, wide(1), scorer).decode(lp.data(), 4, 5);
  EXPECT_EQ(restricted[0].alignment.tokens, (std::vector<int>{1, 2, 3, 4}));
}

TEST(WordScorer, LexiconWordsTheLmLacksPayTheOffsetHotwordWordsDoNot) {
  // Units: blank, "|", "A", "B", "C". The LM knows "A" only; "CC" is a lexicon word, "BB" a hotword word.
  const std::vector<UnitSpelling> units = {kSilent, kBoundary, piece("A"), piece("B"), piece("C")};
  auto lm = std::make_shared<HandBigramLm>(std::map<std::string, float>{{"A", -1.0f}},
                                           std::map<std::pair<std::string, std::string>, float>{});
  WordScorerConfig weights;
  weights.score_boundary = false;
  const double a = 0.5 * std::log(10.0);
  auto graph = std::make_shared<HotwordGraph>();
  graph->add("BB", 2.0);
  graph->finalize();
  const WordScorer scorer(units, lm, weights, {"A", "CC"}, graph, {"BB"});
  auto spell = [&](const std::vector<int>& seq) {
    WordState s = scorer.initial();
    for (int u : seq) scorer.extend(s, u, s);
    return s;
  };
  EXPECT_NEAR(spell({2, 1}).total(), a * -1.0 + 1.0, 1e-9);             // A: in the LM
  EXPECT_NEAR(spell({4, 4, 1}).total(), a * (-4.0 - 10.0) + 1.0, 1e-9);  // CC: <unk> + offset
  EXPECT_NEAR(spell({3, 3, 1}).total(), a * -4.0 + 1.0 + 2.0, 1e-9);     // BB: <unk>, no offset, + boost
  EXPECT_TRUE(spell({4, 2}).dead);                                       // "CA" is no word's prefix
  // The lookahead of a word in progress counts the offset too: "C" can only become "CC".
  EXPECT_NEAR(spell({4}).total(), a * (-4.0 - 10.0), 1e-9);
}

}  // namespace
}  // namespace w2v2
