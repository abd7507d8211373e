// The shipped default model (models/default): its WER on the held-out demo corpus must not regress, and
// the README's first command must print real words for data/samples.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "metrics/scoring_report.h"
#include "metrics/transcript_file.h"
#include "support/test_support.h"

namespace w2v2 {
namespace {

// Measured when the model was exported (models/default/README.md: WER 51.5 %, CER 14.4 % on
// data/librispeech-mini) plus a margin; lower these when a better model is committed.
constexpr double kMaxWer = 0.57;
constexpr double kMaxDemoCer = 0.25;

bool has_default_model() { return std::filesystem::exists(test::source_path("models/default/model.safetensors")); }

TEST(DefaultModel, WerOnTheHeldOutCorpusStaysUnderTheThreshold) {
  if (!has_default_model()) GTEST_SKIP() << "models/default is not in this checkout";
  test::TempDir dir;
  const auto r = test::run_w2v2({"eval", test::source_path("data/librispeech-mini"), "--model",
                                 test::source_path("models/default"), "--report", dir.file("report.json")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto report = nlohmann::json::parse(test::read_text(dir.file("report.json")));
  EXPECT_EQ(report["utterances"].get<int>(), 48);
  EXPECT_LE(report["wer"].get<double>(), kMaxWer) << r.out;
}

TEST(DefaultModel, TranscribesTheDemoSamplesIntoRealWords) {
  if (!has_default_model()) GTEST_SKIP() << "models/default is not in this checkout";
  test::TempDir dir;
  const auto r = test::run_w2v2({"transcribe", test::source_path("data/samples"), "--model",
                                 test::source_path("models/default"), "--output", dir.file("hyp.txt")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // reference.txt is for people; here it scores the demo transcripts (ids are the file names).
  const auto refs = read_transcript_file(test::source_path("data/samples/reference.txt"));
  const auto hyps = read_transcript_file(dir.file("hyp.txt"));
  ASSERT_EQ(hyps.size(), 6u);
  const ScoringReport report = score_transcripts(refs, hyps, ScoringOptions{});
  EXPECT_TRUE(report.missing_hypotheses.empty());
  EXPECT_LE(report.characters.rate(), kMaxDemoCer) << "CER of the demo samples";
}

}  // namespace
}  // namespace w2v2
