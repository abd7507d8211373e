// NgramLanguageModel on hand-built ARPA models: log10 scores computed by hand from the ARPA backoff rule,
// KenLM's minimal states, unknown words, unicode words, and the .w2lm round trip on random queries.
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <tuple>
#include <string>
#include <vector>

#include "common/error.h"
#include "lm/arpa_reader.h"
#include "lm/load_language_model.h"
#include "lm/ngram_language_model.h"
#include "lm/w2lm_file.h"
#include "support/test_support.h"

namespace w2v2 {
namespace {

// A trigram model. Contexts: "<s>", "a", "b" (bigram children), "<s> a", "a b" (trigram children).
constexpr const char* kTrigram = R"(
\data\
ngram 1=5
ngram 2=4
ngram 3=2

\1-grams:
-1.0	<s>	-0.5
-0.7	</s>
-0.6	a	-0.3
-0.8	b	-0.2
-1.2	c

\2-grams:
-0.4	<s> a	-0.1
-0.5	a b	-0.15
-0.3	b c
-0.6	a </s>

\3-grams:
-0.2	<s> a b
-0.1	a b c

\end\
)";

std::unique_ptr<NgramLanguageModel> model_from(const std::string& arpa) {
  return build_language_model(ArpaReader::parse(arpa, "test.arpa"), "test.arpa");
}

LmState state_of(const LanguageModel& lm, const std::vector<std::string>& oldest_first) {
  LmState s;
  s.length = static_cast<uint8_t>(oldest_first.size());
  for (size_t i = 0; i < oldest_first.size(); ++i) s.words[i] = lm.word_id(oldest_first[oldest_first.size() - 1 - i]);
  return s;
}

TEST(NgramLanguageModel, ScoresByBackoffAsComputedByHand) {
  const auto lm = model_from(kTrigram);
  ASSERT_EQ(lm->order(), 3);
  EXPECT_EQ(lm->ngram_count(1), 6u);  // with the <unk> added
  EXPECT_EQ(lm->ngram_count(2), 4u);
  EXPECT_EQ(lm->ngram_count(3), 2u);
  const LmState bos = lm->begin_sentence_state();
  ASSERT_EQ(bos, state_of(*lm, {"<s>"}));
  const LmWordId a = lm->word_id("a"), b = lm->word_id("b"), c = lm->word_id("c");
  LmState s1, s2, s3;
  // Seen bigram and trigram.
  EXPECT_FLOAT_EQ(lm->score(bos, a, s1), -0.4f);
  EXPECT_EQ(s1, state_of(*lm, {"<s>", "a"}));
  EXPECT_FLOAT_EQ(lm->score(s1, b, s2), -0.2f);
  EXPECT_EQ(s2, state_of(*lm, {"a", "b"}));  // "a b" is the context of "a b c"
  EXPECT_FLOAT_EQ(lm->score(s2, c, s3), -0.1f);
  // "a b c" extends nothing; neither do "b c" and "c" (no backoff, no children): the state is empty.
  EXPECT_EQ(s3.length, 0);
  EXPECT_FLOAT_EQ(lm->end_sentence_score(s3), -0.7f);
  // Trigram missing, bigram seen: bo(<s> a) + p(a </s>).
  EXPECT_FLOAT_EQ(lm->end_sentence_score(s1), -0.1f + -0.6f);
  // Down to the unigram: bo(a b) + bo(b) + p(</s>).
  EXPECT_FLOAT_EQ(lm->end_sentence_score(s2), -0.15f + -0.2f + -0.7f);
  // bo(<s> a) + bo(a) + p(c).
  EXPECT_FLOAT_EQ(lm->score(s1, c, s3), -0.1f + -0.3f + -1.2f);
  // From <s>: bo(<s>) + p(b); the state keeps "b" (context of "b c").
  EXPECT_FLOAT_EQ(lm->score(bos, b, s2), -0.5f + -0.8f);
  EXPECT_EQ(s2, state_of(*lm, {"b"}));
  EXPECT_FLOAT_EQ(lm->score(s2, c, s3), -0.3f);
  // The unknown word: -100 (no <unk> in the file) plus the backoffs; nothing extends it.
  EXPECT_EQ(lm->word_id("zebra"), kLmUnknownWord);
  EXPECT_FLOAT_EQ(lm->score(s1, lm->word_id("zebra"), s3), -100.0f + -0.3f + -0.1f);
  EXPECT_EQ(s3.length, 0);
  // Ids outside the vocabulary are the unknown word.
  EXPECT_FLOAT_EQ(lm->score(lm->null_context_state(), 12345, s3), -100.0f);
  // `out` may alias `in`.
  LmState s = bos;
  EXPECT_FLOAT_EQ(lm->score(s, a, s), -0.4f);
  EXPECT_EQ(s, state_of(*lm, {"<s>", "a"}));
}

TEST(NgramLanguageModel, StatesThatScoreAlikeAreEqual) {
  const auto lm = model_from(kTrigram);
  LmState from_c, from_null;
  // After "c" nothing can extend: the same state as no context at all.
  lm->score(lm->null_context_state(), lm->word_id("c"), from_c);
  EXPECT_EQ(from_c, lm->null_context_state());
  // "a" keeps a backoff: not the null state.
  lm->score(lm->null_context_state(), lm->word_id("a"), from_null);
  EXPECT_EQ(from_null, state_of(*lm, {"a"}));
}

TEST(NgramLanguageModel, UnknownWordFromTheFileAndUnicodeWords) {
  const std::string arpa =
      "\n\\data\\\nngram  1=     4\nngram  2=     2\n\n\\1-grams:\n-0.5 <unk>\n-1.0\t<s> -0.25\n"
      "-0.8\tcafé\t-0.1\n-0.9 \xe6\x97\xa5\xe6\x9c\xac -0.2\n\n\\2-grams:\n-0.3 <s> café\n-0.2\tcafé \xe6\x97\xa5\xe6\x9c\xac\n\n\\end\\\n";
  const auto lm = model_from(arpa);
  EXPECT_EQ(lm->ngram_count(1), 4u);
  const LmWordId cafe = lm->word_id("café");
  const LmWordId nihon = lm->word_id("\xe6\x97\xa5\xe6\x9c\xac");
  ASSERT_NE(cafe, kLmUnknownWord);
  ASSERT_NE(nihon, kLmUnknownWord);
  LmState s;
  EXPECT_FLOAT_EQ(lm->score(lm->begin_sentence_state(), cafe, s), -0.3f);
  EXPECT_FLOAT_EQ(lm->score(s, nihon, s), -0.2f);
  EXPECT_FLOAT_EQ(lm->score(lm->begin_sentence_state(), lm->word_id("cafe"), s), -0.25f + -0.5f);
  std::vector<std::string> words;
  lm->for_each_unigram([&](std::string_view w, float) { words.emplace_back(w); });
  EXPECT_EQ(words, (std::vector<std::string>{"café", "\xe6\x97\xa5\xe6\x9c\xac"}));
}

TEST(NgramLanguageModel, UnigramModelAndSixGramModel) {
  const auto uni = model_from("\\data\\\nngram 1=2\n\n\\1-grams:\n-0.3 x\n-0.2 y\n\\end\\\n");
  LmState s;
  EXPECT_FLOAT_EQ(uni->score(uni->begin_sentence_state(), uni->word_id("y"), s), -0.2f);
  EXPECT_EQ(s.length, 0);
  std::string six = "\\data\\\n";
  for (int n = 1; n <= 6; ++n) six += "ngram " + std::to_string(n) + "=1\n";
  six += "\n\\1-grams:\n-0.1 w -0.5\n";
  std::string words = "w";
  for (int n = 2; n <= 6; ++n) {
    words += " w";
    six += "\n\\" + std::to_string(n) + "-grams:\n-0.0" + std::to_string(n) + " " + words + (n < 6 ? " -0.5\n" : "\n");
  }
  six += "\n\\end\\\n";
  const auto lm = model_from(six);
  ASSERT_EQ(lm->order(), 6);
  LmState state = lm->null_context_state();
  const float expected[] = {-0.1f, -0.02f, -0.03f, -0.04f, -0.05f, -0.06f, -0.06f};
  for (float e : expected) EXPECT_FLOAT_EQ(lm->score(state, lm->word_id("w"), state), e);
  EXPECT_EQ(state.length, 5);
}

// A random trigram model with every context and suffix present, for the round trip.
std::string random_arpa(std::mt19937& rng, int words) {
  std::uniform_real_distribution<float> prob(-4.0f, -0.01f), backoff(-1.0f, 0.5f);
  std::vector<std::string> vocab = {"<s>", "</s>", "<unk>"};
  for (int i = 0; i < words; ++i) vocab.push_back("w" + std::to_string(i));
  std::vector<std::pair<int, int>> bigrams;
  std::vector<std::tuple<int, int, int>> trigrams;
  for (size_t i = 0; i < vocab.size(); ++i)
    for (size_t j = 0; j < vocab.size(); ++j)
      if (j != 0 && i != 1 && rng() % 3 == 0) bigrams.emplace_back(i, j);
  std::set<std::pair<int, int>> has(bigrams.begin(), bigrams.end());
  for (auto [i, j] : bigrams)
    for (size_t k = 0; k < vocab.size(); ++k)
      if (has.count({j, static_cast<int>(k)}) && rng() % 4 == 0) trigrams.emplace_back(i, j, k);
  std::string s = "\\data\\\nngram 1=" + std::to_string(vocab.size()) + "\nngram 2=" + std::to_string(bigrams.size()) +
                  "\nngram 3=" + std::to_string(trigrams.size()) + "\n\n\\1-grams:\n";
  for (const auto& w : vocab) s += std::to_string(prob(rng)) + "\t" + w + "\t" + std::to_string(backoff(rng)) + "\n";
  s += "\n\\2-grams:\n";
  for (auto [i, j] : bigrams) s += std::to_string(prob(rng)) + "\t" + vocab[i] + " " + vocab[j] + "\t" + std::to_string(backoff(rng)) + "\n";
  s += "\n\\3-grams:\n";
  for (auto [i, j, k] : trigrams) s += std::to_string(prob(rng)) + "\t" + vocab[i] + " " + vocab[j] + " " + vocab[k] + "\n";
  return s + "\n\\end\\\n";
}

TEST(NgramLanguageModel, BinaryRoundTripScoresEqualArpa) {
  std::mt19937 rng(7);
  const std::string arpa = random_arpa(rng, 40);
  test::TempDir dir;
  test::write_text(dir.file("r.arpa"), arpa);
  const auto from_arpa = load_language_model(dir.file("r.arpa"));
  write_w2lm_file(model_from(arpa)->tables(), dir.file("r.w2lm"));
  const auto from_binary = load_language_model(dir.file("r.w2lm"));
  ASSERT_EQ(from_binary->order(), 3);
  for (int n = 1; n <= 3; ++n) EXPECT_EQ(from_binary->ngram_count(n), from_arpa->ngram_count(n));
  const uint32_t v = static_cast<uint32_t>(from_arpa->ngram_count(1));
  for (int sentence = 0; sentence < 300; ++sentence) {
    LmState a = from_arpa->begin_sentence_state(), b = from_binary->begin_sentence_state();
    for (int i = 0; i < 12; ++i) {
      const std::string word = "w" + std::to_string(rng() % 45);  // some unknown
      ASSERT_EQ(from_arpa->word_id(word), from_binary->word_id(word));
      const LmWordId id = from_arpa->word_id(word);
      ASSERT_LT(id, v);
      ASSERT_EQ(from_arpa->score(a, id, a), from_binary->score(b, id, b));
      ASSERT_EQ(a, b);
    }
    ASSERT_EQ(from_arpa->end_sentence_score(a), from_binary->end_sentence_score(b));
  }
}

}  // namespace
}  // namespace w2v2
