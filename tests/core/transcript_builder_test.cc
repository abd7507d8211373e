// TranscriptBuilder: the pipeline's composition of log-softmax, a CtcDecoder, detokenizing, word timings,
// n-best alternatives, logits files and scoring; and the alternatives in JSONL records.
#include "pipeline/transcript_builder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "common/error.h"
#include "decoding/ctc_greedy_decoder.h"
#include "output/jsonl_writer.h"
#include "output/npy_file.h"
#include "support/test_support.h"
#include "text/char_detokenizer.h"
#include "text/vocabulary.h"

namespace w2v2 {
namespace {

CharDetokenizer letters() {
  return CharDetokenizer(Vocabulary::from_json_text(
      R"({"<pad>": 0, "<s>": 1, "</s>": 2, "<unk>": 3, "|": 4, "A": 5, "B": 6, "C": 7})", "test"));
}

// A decoder that hands back fixed hypotheses and records what it was given.
class FixedDecoder : public CtcDecoder {
 public:
  explicit FixedDecoder(std::vector<DecodedHypothesis> hypotheses) : hypotheses_(std::move(hypotheses)) {}
  std::vector<DecodedHypothesis> decode(const float* log_probs, int frames, int vocab) const override {
    seen_.assign(log_probs, log_probs + static_cast<size_t>(frames) * vocab);
    return hypotheses_;
  }
  mutable std::vector<float> seen_;

 private:
  std::vector<DecodedHypothesis> hypotheses_;
};

DecodedHypothesis hypothesis(std::vector<int> tokens, double score, double lm = 0.0) {
  DecodedHypothesis h;
  for (size_t k = 0; k < tokens.size(); ++k) {
    h.alignment.tokens.push_back(tokens[k]);
    h.alignment.frames.push_back(static_cast<int>(2 * k));
    h.alignment.end_frames.push_back(static_cast<int>(2 * k + 1));
    h.alignment.probabilities.push_back(0.5f);
  }
  h.score = score;
  h.lm_score = lm;
  h.acoustic_score = score - lm;
  return h;
}

UtteranceLogits raw_logits(int frames, int vocab) {
  UtteranceLogits l{frames, vocab, {}};
  for (int i = 0; i < frames * vocab; ++i) l.data.push_back(static_cast<float>((i * 7) % 11) - 3.0f);
  return l;
}

Utterance utterance() {
  Utterance u;
  u.id = "u1";
  u.path = "u1.wav";
  u.output_stem = "sub/u1";
  return u;
}

TEST(TranscriptBuilder, DecodesLogSoftmaxAndKeepsRawLogitsInTheFile) {
  const CharDetokenizer detok = letters();
  const FixedDecoder decoder({hypothesis({5, 6, 4, 7}, -1.5)});
  const test::TempDir dir;
  TranscriptBuilderOptions options;
  options.logits_dir = dir.path().string();
  options.frame_seconds = 0.5;
  const TranscriptBuilder builder(decoder, detok, options);
  const UtteranceLogits logits = raw_logits(8, 8);
  UtteranceResult result;
  builder.build(utterance(), logits, result);
  ASSERT_EQ(result.status, UtteranceStatus::kOk) << result.error;
  EXPECT_EQ(result.text, "AB C");
  ASSERT_EQ(result.words.size(), 2u);
  EXPECT_EQ(result.words[1].word, "C");
  EXPECT_DOUBLE_EQ(result.words[1].start_seconds, 6 * 0.5);
  EXPECT_TRUE(result.alternatives.empty());  // nbest 1
  // The decoder saw log-softmax rows ...
  ASSERT_EQ(decoder.seen_.size(), 64u);
  for (int t = 0; t < 8; ++t) {
    double sum = 0.0;
    for (int v = 0; v < 8; ++v) sum += std::exp(static_cast<double>(decoder.seen_[t * 8 + v]));
    EXPECT_NEAR(sum, 1.0, 1e-5);
  }
  // ... the file has the raw logits.
  const NpyArray npy = read_npy(dir.file("sub/u1.npy"));
  EXPECT_EQ(npy.shape, (std::vector<int64_t>{8, 8}));
  EXPECT_EQ(npy.data, logits.data);
}

TEST(TranscriptBuilder, NbestAlternativesBestFirstIncludingTheBest) {
  const CharDetokenizer detok = letters();
  const FixedDecoder decoder({hypothesis({5, 4, 6}, -1.0, -0.25), hypothesis({5, 6}, -2.0), hypothesis({7}, -3.0)});
  TranscriptBuilderOptions options;
  options.nbest = 2;
  UtteranceResult two;
  TranscriptBuilder(decoder, detok, options).build(utterance(), raw_logits(6, 8), two);
  ASSERT_EQ(two.alternatives.size(), 2u);  // capped at nbest
  EXPECT_EQ(two.text, "A B");
  EXPECT_EQ(two.alternatives[0].text, "A B");
  EXPECT_EQ(two.alternatives[0].score, -1.0);
  EXPECT_EQ(two.alternatives[0].lm_score, -0.25);
  EXPECT_EQ(two.alternatives[0].acoustic_score, -0.75);
  EXPECT_EQ(two.alternatives[1].text, "AB");
  EXPECT_EQ(two.alternatives[1].score, -2.0);

  options.nbest = 10;  // more than the decoder found: all of them
  UtteranceResult all;
  TranscriptBuilder(decoder, detok, options).build(utterance(), raw_logits(6, 8), all);
  ASSERT_EQ(all.alternatives.size(), 3u);
  EXPECT_EQ(all.alternatives[2].text, "C");

  // Greedy gives one: its best path, with the path's log-probability.
  const CtcGreedyDecoder greedy(0);
  UtteranceResult one;
  TranscriptBuilder(greedy, detok, options).build(utterance(), raw_logits(6, 8), one);
  ASSERT_EQ(one.alternatives.size(), 1u);
  EXPECT_EQ(one.alternatives[0].text, one.text);
  EXPECT_LT(one.alternatives[0].score, 0.0);
  EXPECT_EQ(one.alternatives[0].lm_score, 0.0);
}

TEST(TranscriptBuilder, ADecoderThatThrowsFailsTheUtteranceAtDecode) {
  class Throwing : public CtcDecoder {
   public:
    std::vector<DecodedHypothesis> decode(const float*, int, int) const override { throw Error("boom"); }
  };
  const CharDetokenizer detok = letters();
  const Throwing decoder;
  UtteranceResult result;
  result.alternatives.push_back({"stale", 0, 0, 0});
  TranscriptBuilder(decoder, detok).build(utterance(), raw_logits(3, 8), result);
  EXPECT_EQ(result.status, UtteranceStatus::kFailed);
  EXPECT_EQ(result.error_stage, FailureStage::kDecode);
  EXPECT_TRUE(result.alternatives.empty());
}

TEST(JsonlAlternatives, WrittenOnlyWhenPresentAndReadBack) {
  UtteranceResult r;
  r.id = "a";
  r.path = "a.wav";
  r.text = "A B";
  EXPECT_EQ(JsonlWriter::record(r).find("alternatives"), std::string::npos);
  r.alternatives = {{"A B", -1.23456789, -1.0, -0.23456789}, {std::string("A \xff"), -2.0, -2.0, 0.0}};
  const std::string line = JsonlWriter::record(r);
  EXPECT_NE(line.find(R"("alternatives":[{"text":"A B","score":-1.2346)"), std::string::npos) << line;
  std::string why;
  const auto back = JsonlWriter::parse(line, &why);
  ASSERT_TRUE(back) << why;
  ASSERT_EQ(back->alternatives.size(), 2u);
  EXPECT_EQ(back->alternatives[0].text, "A B");
  EXPECT_NEAR(back->alternatives[0].score, -1.2346, 1e-12);
  EXPECT_EQ(back->alternatives[1].text, "A \xff");  // exact bytes through text_bytes
  EXPECT_EQ(JsonlWriter::record(*back), line);      // a journal round trip changes nothing
  // Damage is reported, not thrown.
  for (const char* bad : {R"({"id":"a","status":"ok","alternatives":{}})",
                          R"({"id":"a","status":"ok","alternatives":[{"score":1}]})",
                          R"({"id":"a","status":"ok","alternatives":[{"text":"x","score":"1"}]})",
                          R"({"id":"a","status":"ok","alternatives":[3]})"}) {
    EXPECT_FALSE(JsonlWriter::parse(bad, &why)) << bad;
    EXPECT_NE(why.find("alternatives"), std::string::npos) << why;
  }
}

TEST(TranscriptBuilder, ANotANumberInTheModelsOutputFailsTheUtterance) {
  const CharDetokenizer detok = letters();
  const FixedDecoder decoder({hypothesis({5}, -1.0)});
  UtteranceLogits logits = raw_logits(4, 8);
  logits.data[2 * 8 + 3] = std::numeric_limits<float>::quiet_NaN();
  UtteranceResult result;
  TranscriptBuilder(decoder, detok, TranscriptBuilderOptions{}).build(utterance(), logits, result);
  EXPECT_EQ(result.status, UtteranceStatus::kFailed);
  EXPECT_NE(result.error.find("not a number at frame 2"), std::string::npos) << result.error;
  EXPECT_TRUE(decoder.seen_.empty());  // the decoder never saw it
}

}  // namespace
}  // namespace w2v2
