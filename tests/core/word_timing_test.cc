// Word timings from the CTC alignment, and the outputs that use them (JSONL words, CSV, SRT, WebVTT).
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "decoding/ctc_greedy_decoder.h"
#include "decoding/log_softmax.h"
#include "pipeline/word_aligner.h"
#include "output/csv_writer.h"
#include "output/jsonl_writer.h"
#include "output/subtitle_writer.h"
#include "metrics/edit_distance.h"
#include "support/test_support.h"
#include "text/char_detokenizer.h"
#include "text/sentencepiece_detokenizer.h"
#include "text/vocabulary.h"

namespace w2v2 {
namespace {

CharDetokenizer letters() {
  return CharDetokenizer(Vocabulary::from_json_text(
      R"({"<pad>": 0, "<s>": 1, "</s>": 2, "<unk>": 3, "|": 4, "A": 5, "B": 6, "C": 7})", "test"));
}

TEST(WordAligner, WordsFromFramesWithDelimiters) {
  const CharDetokenizer detok = letters();
  // frames: 0 A, 1 A, 2 blank, 3 B, 4 |, 5 |, 6 blank, 7 C, 8 C, 9 C, 10 blank
  const std::vector<int> path{5, 5, 0, 6, 4, 4, 0, 7, 7, 7, 0};
  std::vector<float> logits(path.size() * 8, 0.0f);
  for (size_t t = 0; t < path.size(); ++t) logits[t * 8 + path[t]] = 5.0f;
  log_softmax_rows(logits.data(), static_cast<int>(path.size()), 8);
  const CtcHypothesis h = CtcGreedyDecoder(0).best_path(logits.data(), static_cast<int>(path.size()), 8);
  const auto words = align_words(h, detok, 0.02);
  ASSERT_EQ(words.size(), 2u);
  EXPECT_EQ(words[0].word, "AB");
  EXPECT_DOUBLE_EQ(words[0].start_seconds, 0.0);
  EXPECT_DOUBLE_EQ(words[0].end_seconds, 4 * 0.02);  // B's run ends at frame 4 (exclusive)
  EXPECT_EQ(words[1].word, "C");
  EXPECT_DOUBLE_EQ(words[1].start_seconds, 7 * 0.02);
  EXPECT_DOUBLE_EQ(words[1].end_seconds, 10 * 0.02);
  const double p = 1.0 / (1.0 + 7.0 * std::exp(-5.0));  // one logit at 5, seven at 0
  EXPECT_NEAR(words[0].confidence, p, 1e-6);
  EXPECT_NEAR(words[1].confidence, p, 1e-6);
}

TEST(WordAligner, SpecialTokensAndEmptyHypotheses) {
  const CharDetokenizer detok = letters();
  CtcHypothesis h;
  EXPECT_TRUE(align_words(h, detok, 0.02).empty());
  h.tokens = {1, 5, 2};  // <s> A </s>: only A makes a word
  h.frames = {0, 3, 6};
  h.end_frames = {1, 5, 7};
  h.probabilities = {0.9f, 0.5f, 0.9f};
  const auto words = align_words(h, detok, 0.02);
  ASSERT_EQ(words.size(), 1u);
  EXPECT_EQ(words[0].word, "A");
  EXPECT_DOUBLE_EQ(words[0].start_seconds, 0.06);
  EXPECT_DOUBLE_EQ(words[0].end_seconds, 0.10);
  EXPECT_NEAR(words[0].confidence, 0.5, 1e-6);
  h.end_frames.pop_back();
  EXPECT_THROW(align_words(h, detok, 0.02), Error);
}

// Word timings as the prefix definition gives them: frames k -> word; start of its first unit, end of its last.
std::vector<std::pair<int, int>> expected_spans(const CtcHypothesis& h, const Detokenizer& detokenizer) {
  const size_t words = split_words(detokenizer.detokenize(h.tokens)).size();
  std::vector<std::pair<int, int>> spans(words, {-1, -1});
  std::vector<int> prefix;
  std::string previous;
  for (size_t k = 0; k < h.tokens.size(); ++k) {
    prefix.push_back(h.tokens[k]);
    const std::string text = detokenizer.detokenize(prefix);
    const bool changed = text != previous;
    previous = text;
    if (!changed || text.empty() || std::isspace(static_cast<unsigned char>(text.back()))) continue;
    const size_t w = split_words(text).size() - 1;
    if (w >= words) continue;
    if (spans[w].first < 0) spans[w].first = h.frames[k];
    spans[w].second = h.end_frames[k];
  }
  return spans;
}

TEST(WordAligner, AgreesWithThePrefixDefinitionOnRandomHypotheses) {
  const CharDetokenizer chars = letters();
  const SentencePieceDetokenizer pieces(test::fixture("sentencepiece/tiny.model"), 0);
  uint32_t state = 7;
  auto next = [&state] { return state = state * 1664525u + 1013904223u; };
  for (const Detokenizer* detokenizer : {static_cast<const Detokenizer*>(&chars),
                                         static_cast<const Detokenizer*>(&pieces)}) {
    for (int trial = 0; trial < 300; ++trial) {
      CtcHypothesis h;
      const size_t n = next() % 40;
      for (size_t k = 0; k < n; ++k) {
        h.tokens.push_back(static_cast<int>(next() % detokenizer->num_units()));
        h.frames.push_back(static_cast<int>(2 * k));
        h.end_frames.push_back(static_cast<int>(2 * k + 1));
        h.probabilities.push_back(0.5f);
      }
      const auto words = align_words(h, *detokenizer, 1.0);
      const auto spans = expected_spans(h, *detokenizer);
      ASSERT_EQ(words.size(), spans.size()) << "trial " << trial;
      for (size_t w = 0; w < words.size(); ++w) {
        if (spans[w].first < 0) continue;  // a word no unit was credited to (confidence 0 either way)
        EXPECT_DOUBLE_EQ(words[w].start_seconds, spans[w].first) << "trial " << trial << " word " << w;
        EXPECT_DOUBLE_EQ(words[w].end_seconds, spans[w].second) << "trial " << trial << " word " << w;
      }
    }
  }
}

TEST(WordAligner, AnHourOfUnitsAligns) {
  // 60,000 units in words of five letters (the prefix definition would detokenize ~1.8e9 characters).
  const CharDetokenizer detok = letters();
  CtcHypothesis h;
  for (int k = 0; k < 60000; ++k) {
    h.tokens.push_back(k % 6 == 5 ? 4 : 5 + k % 3);
    h.frames.push_back(2 * k);
    h.end_frames.push_back(2 * k + 1);
    h.probabilities.push_back(0.9f);
  }
  const auto words = align_words(h, detok, 0.02);
  ASSERT_EQ(words.size(), 10000u);
  EXPECT_EQ(words.back().word, "ABCAB");
  EXPECT_DOUBLE_EQ(words.back().start_seconds, 2 * 59994 * 0.02);
}

TEST(Subtitles, TimestampsAndCues) {
  EXPECT_EQ(format_timestamp(3661.2346, ','), "01:01:01,235");
  EXPECT_EQ(format_timestamp(0.0004, '.'), "00:00:00.000");
  EXPECT_EQ(format_timestamp(59.9996, '.'), "00:01:00.000");
  const std::vector<WordTiming> words{{"ONE", 0.0, 0.4, 1}, {"TWO", 0.5, 0.9, 1},   // together
                                      {"THREE", 2.0, 2.5, 1},                        // after a 1.1 s pause
                                      {"FOUR", 2.6, 8.7, 1}};                        // would pass 6 s
  const auto cues = make_cues(words);
  ASSERT_EQ(cues.size(), 3u);
  EXPECT_EQ(cues[0].text, "ONE TWO");
  EXPECT_EQ(cues[1].text, "THREE");
  EXPECT_EQ(cues[2].text, "FOUR");
  EXPECT_EQ(to_srt(cues),
            "1\n00:00:00,000 --> 00:00:00,900\nONE TWO\n\n2\n00:00:02,000 --> 00:00:02,500\nTHREE\n\n"
            "3\n00:00:02,600 --> 00:00:08,700\nFOUR\n\n");
  EXPECT_EQ(to_vtt({cues[0]}), "WEBVTT\n\n00:00:00.000 --> 00:00:00.900\nONE TWO\n\n");
  std::vector<WordTiming> many;
  for (int i = 0; i < 20; ++i) many.push_back({"WORD", i * 0.1, i * 0.1 + 0.05, 1});
  for (const auto& cue : make_cues(many)) EXPECT_LE(cue.text.size(), 42u);
}

TEST(CsvWriter, QuotesPerRfc4180) {
  EXPECT_EQ(CsvWriter::quote("plain"), "plain");
  EXPECT_EQ(CsvWriter::quote("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvWriter::quote("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvWriter::quote("two\nlines"), "\"two\nlines\"");
  UtteranceResult r;
  r.id = "dir/ünïcode, file";
  r.path = "/x/dir/ünïcode, file.wav";
  r.text = "HELLO";
  r.duration_seconds = 1.5;
  EXPECT_EQ(CsvWriter::row(r), "\"dir/ünïcode, file\",\"/x/dir/ünïcode, file.wav\",ok,1.500,HELLO,,\r\n");
  r.status = UtteranceStatus::kFailed;
  r.text.clear();
  r.error_stage = FailureStage::kRead;
  r.error = "not audio";
  EXPECT_EQ(CsvWriter::row(r), "\"dir/ünïcode, file\",\"/x/dir/ünïcode, file.wav\",error,1.500,,read,not audio\r\n");
}

TEST(JsonlWriter, RecordCarriesWordTimings) {
  UtteranceResult r;
  r.id = "a";
  r.text = "HI THERE";
  r.words = {{"HI", 0.1200004, 0.3, 0.98765}, {"THERE", 0.4, 0.8, 0.5}};
  const auto j = nlohmann::json::parse(JsonlWriter::record(r));
  ASSERT_EQ(j["words"].size(), 2u);
  EXPECT_EQ(j["words"][0]["word"], "HI");
  EXPECT_NEAR(j["words"][0]["start"].get<double>(), 0.12, 1e-12);
  EXPECT_NEAR(j["words"][0]["confidence"].get<double>(), 0.9877, 1e-12);
  r.status = UtteranceStatus::kFailed;
  EXPECT_FALSE(nlohmann::json::parse(JsonlWriter::record(r)).contains("words"));
}

}  // namespace
}  // namespace w2v2
