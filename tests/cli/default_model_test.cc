// The shipped default model (models/default): its WER on the held-out demo corpus must not regress, and
// the README's first command must print real words for data/samples.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "metrics/scoring_report.h"
#include "output/npy_file.h"
#include "metrics/transcript_file.h"
#include "support/test_support.h"

namespace w2v2 {
namespace {

// Measured on data/librispeech-mini (models/default/README.md) plus a margin; lower these when a better
// model or LM is committed. By default the model decodes with its language_model/ (beam 32).
constexpr double kMaxWer = 0.145;       // measured 12.3 % with the shipped LM (issue 15's target: 20 %)
constexpr double kMaxGreedyWer = 0.39;  // measured 35.4 % (step 6,300), --decoder greedy
constexpr double kMaxDemoCer = 0.08;    // measured 5.1 % with the LM (12.6 % greedy)

bool has_default_model() { return std::filesystem::exists(test::source_path("models/default/model.safetensors")); }

TEST(DefaultModel, WerOnTheHeldOutCorpusStaysUnderTheThreshold) {
  if (!has_default_model()) GTEST_SKIP() << "models/default is not in this checkout";
  test::TempDir dir;
  // `w2v2 eval` of data/librispeech-mini with extra flags -> its JSON report.
  auto eval = [&dir](const std::string& name, const std::vector<std::string>& flags) {
    std::vector<std::string> args{"eval", test::source_path("data/librispeech-mini"), "--model",
                                  test::source_path("models/default"), "--report", dir.file(name + ".json")};
    args.insert(args.end(), flags.begin(), flags.end());
    const auto r = test::run_w2v2(args);
    EXPECT_EQ(r.exit_code, 0) << name << ": " << r.err;
    return r.exit_code == 0 ? nlohmann::json::parse(test::read_text(dir.file(name + ".json"))) : nlohmann::json();
  };
  const auto report = eval("report", {});
  ASSERT_FALSE(report.is_null());
  EXPECT_EQ(report["utterances"].get<int>(), 48);
  EXPECT_LE(report["wer"].get<double>(), kMaxWer);
  EXPECT_EQ(report["decoding"]["decoder"], "beam");
  EXPECT_EQ(report["decoding"]["lm"], test::source_path("models/default/language_model/lm.arpa"));

  const auto greedy = eval("greedy", {"--decoder", "greedy"});
  ASSERT_FALSE(greedy.is_null());
  EXPECT_LE(greedy["wer"].get<double>(), kMaxGreedyWer);
  EXPECT_LT(report["wer"].get<double>(), greedy["wer"].get<double>() - 0.15) << "the LM should help";

  // int8 (issue 16's target: within 0.5 points of fp32, with the LM and greedy). Measured with VNNI (8-bit
  // weights, 16-bit feed-forward activations): equal, 12.27 % and 35.38 % (8-bit activations: 35.79 % greedy);
  // with the AVX2 kernel (7-bit weights, 8-bit activations): equal too (13.50 % with the LM when its unit floor
  // was -5).
  const auto int8 = eval("int8", {"--precision", "int8"});
  ASSERT_FALSE(int8.is_null());
  EXPECT_LE(int8["wer"].get<double>(), report["wer"].get<double>() + 0.005);
  const auto int8_greedy = eval("int8-greedy", {"--precision", "int8", "--decoder", "greedy"});
  ASSERT_FALSE(int8_greedy.is_null());
  EXPECT_LE(int8_greedy["wer"].get<double>(), greedy["wer"].get<double>() + 0.005);
  // bf16 (issue 18's target: within 0.3 points of fp32; measured equal, 12.27 %, and 35.38 % greedy).
  const auto bf16 = eval("bf16", {"--precision", "bf16"});
  ASSERT_FALSE(bf16.is_null());
  EXPECT_LE(bf16["wer"].get<double>(), report["wer"].get<double>() + 0.003);
}

// The frames whose best unit differs between two --logits-dir trees of the same files; each must have been a
// near-tie in `reference` (its top two units less than `max_margin` apart).
int count_changed_best_units(const std::string& reference, const std::string& other, float max_margin) {
  int changed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(reference)) {
    const std::string name = entry.path().filename().string();
    const NpyArray a = read_npy(entry.path().string());
    const NpyArray b = read_npy(other + "/" + name);
    EXPECT_EQ(a.shape, b.shape) << name;
    if (a.shape != b.shape) continue;
    const auto V = static_cast<size_t>(a.shape.at(1));
    std::vector<float> row(V);
    for (size_t t = 0; t < static_cast<size_t>(a.shape.at(0)); ++t) {
      const float* x = a.data.data() + t * V;
      const float* y = b.data.data() + t * V;
      if (std::max_element(x, x + V) - x == std::max_element(y, y + V) - y) continue;
      ++changed;
      row.assign(x, x + V);
      std::partial_sort(row.begin(), row.begin() + 2, row.end(), std::greater<float>());
      EXPECT_LT(row[0] - row[1], max_margin) << name << " frame " << t << ": " << other << " changed a clear best unit";
    }
  }
  return changed;
}

// bf16 against fp32 on the demo samples. With the LM (the default decoder) every transcript is the same.
// Greedy, a letter may change only where fp32's two best units were near-tied (top-2 margin < 0.05) on every
// frame whose best unit bf16 changed; measured: one frame, in speech-44k1-stereo-24bit.flac, margin 0.004
// ("PRESENCE" -> "PRESNCE"). Mean relative logit error 0.14 % (README).
TEST(DefaultModel, Bf16TranscribesTheDemoSamplesAsFp32Does) {
  if (!has_default_model()) GTEST_SKIP() << "models/default is not in this checkout";
  test::TempDir dir;
  std::map<std::string, std::map<std::string, std::string>> transcripts;  // "<precision>-<decoder>" -> file -> text
  for (const std::string precision : {"fp32", "bf16"}) {
    for (const std::string decoder : {"greedy", "auto"}) {
      const std::string key = precision + "-" + decoder;
      std::vector<std::string> args{"transcribe", test::source_path("data/samples"), "--model",
                                    test::source_path("models/default"), "--decoder", decoder, "--precision",
                                    precision, "--output", dir.file(key + ".txt")};
      if (decoder == "greedy") args.insert(args.end(), {"--logits-dir", dir.file(precision + "-logits")});
      const auto r = test::run_w2v2(args);
      ASSERT_EQ(r.exit_code, 0) << r.err;
      transcripts[key] = read_transcript_file(dir.file(key + ".txt"));
      ASSERT_EQ(transcripts[key].size(), 6u) << key;
    }
  }
  EXPECT_EQ(transcripts["bf16-auto"], transcripts["fp32-auto"]);
  const int changed_frames = count_changed_best_units(dir.file("fp32-logits"), dir.file("bf16-logits"), 0.05f);
  if (transcripts["bf16-greedy"] != transcripts["fp32-greedy"]) {
    EXPECT_GT(changed_frames, 0) << "a greedy transcript changed with every best unit the same";
  }
  EXPECT_LE(changed_frames, 3);  // of 933 frames
}

// int8 against fp32 on the demo samples: the same words where the margins allow (speech-16k.flac,
// speech-16k.wav, speech-8k.wav, greedy and with the LM, on VNNI and AVX2 kernels alike with their defaults);
// elsewhere a near-tie may flip a letter or a word, so the transcripts as a whole stay within 5 % of fp32's
// characters. Greedy, every frame whose best unit changed was a near-tie in fp32 (margin < 0.15). Measured with
// VNNI (8-bit weights, 16-bit feed-forward activations): every transcript and every best unit the same; with the
// AVX2 kernel (7-bit weights, 8-bit activations): "PRESENCE" -> "PRESNCE" greedy (margin 0.004); with the LM every
// transcript the same (with the old unit floor of -5, "OPASIT" -> "UPSET").
TEST(DefaultModel, Int8TranscribesTheDemoSamplesAsFp32Does) {
  if (!has_default_model()) GTEST_SKIP() << "models/default is not in this checkout";
  test::TempDir dir;
  for (const std::string decoder : {"greedy", "auto"}) {
    std::map<std::string, std::map<std::string, std::string>> by_precision;
    for (const std::string precision : {"fp32", "int8"}) {
      const std::string out = dir.file(precision + "-" + decoder + ".txt");
      std::vector<std::string> args{"transcribe", test::source_path("data/samples"), "--model",
                                    test::source_path("models/default"), "--decoder", decoder, "--precision",
                                    precision, "--output", out};
      if (decoder == "greedy") args.insert(args.end(), {"--logits-dir", dir.file(precision + "-logits")});
      const auto r = test::run_w2v2(args);
      ASSERT_EQ(r.exit_code, 0) << r.err;
      by_precision[precision] = read_transcript_file(out);
    }
    const auto& fp32 = by_precision["fp32"];
    const auto& int8 = by_precision["int8"];
    ASSERT_EQ(int8.size(), 6u);
    for (const std::string name : {"speech-16k.flac", "speech-16k.wav", "speech-8k.wav"}) {
      EXPECT_EQ(int8.at(name), fp32.at(name)) << decoder << " " << name;
    }
    const ScoringReport agreement = score_transcripts(fp32, int8, ScoringOptions{});
    EXPECT_LE(agreement.characters.rate(), 0.05) << decoder;
    if (decoder == "greedy") {
      EXPECT_LE(count_changed_best_units(dir.file("fp32-logits"), dir.file("int8-logits"), 0.15f), 3);  // of 933
    }
  }
}

// Decodes one demo sample with extra flags; -> its transcript.
std::string transcribe_sample(const std::string& name, std::vector<std::string> flags) {
  std::vector<std::string> args{"transcribe", test::source_path("data/samples/" + name), "--model",
                                test::source_path("models/default")};
  args.insert(args.end(), flags.begin(), flags.end());
  const auto r = test::run_w2v2(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const size_t tab = r.out.find('\t');
  return tab == std::string::npos ? r.out : r.out.substr(tab + 1, r.out.find('\n') - tab - 1);
}

TEST(DefaultModel, AHotwordTurnsAWrongWordRight) {
  if (!has_default_model()) GTEST_SKIP() << "models/default is not in this checkout";
  test::TempDir dir;
  // With the shipped LM, "GRAHAM" is heard as "GREY M"; the word as a hotword puts it right.
  const std::string plain = transcribe_sample("speech-16k-b.flac", {});
  EXPECT_NE(plain.find("ALEXANDER GREY M BELL"), std::string::npos) << plain;
  test::write_text(dir.file("hot.txt"), "graham\n");
  const std::string hot = transcribe_sample("speech-16k-b.flac", {"--hotwords", dir.file("hot.txt")});
  EXPECT_NE(hot.find("ALEXANDER GRAHAM BELL IS"), std::string::npos) << hot;
  // Without an LM, beam search reads "BOSE"; the hotword "BOSS" (boost 5) reads the reference.
  EXPECT_EQ(transcribe_sample("speech-16k.wav", {"--decoder", "beam", "--lm", "none"}), "SURPRISE YOUR BOSE");
  test::write_text(dir.file("boss.txt"), "BOSS 5\n");
  EXPECT_EQ(transcribe_sample("speech-16k.wav", {"--decoder", "beam", "--lm", "none", "--hotwords",
                                                 dir.file("boss.txt")}),
            "SURPRISE YOUR BOSS");
}

TEST(DefaultModel, ALexiconRestrictsTheWords) {
  const std::string words = "/usr/share/dict/american-english";
  if (!has_default_model()) GTEST_SKIP() << "models/default is not in this checkout";
  if (!std::filesystem::exists(words)) GTEST_SKIP() << words << " is missing (apt-get install wamerican)";
  std::set<std::string> lexicon;
  {
    std::istringstream in(test::read_text(words));
    for (std::string w; std::getline(in, w);) {
      for (char& c : w) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      lexicon.insert(w);
    }
  }
  for (const std::vector<std::string>& flags :
       {std::vector<std::string>{"--decoder", "beam", "--lm", "none"}, std::vector<std::string>{}}) {
    std::vector<std::string> args = flags;
    args.insert(args.end(), {"--lexicon", words});
    for (const char* name : {"speech-16k-b.flac", "speech-8k.wav"}) {
      const std::string text = transcribe_sample(name, args);
      std::istringstream in(text);
      int count = 0;
      for (std::string w; in >> w; ++count) EXPECT_TRUE(lexicon.count(w)) << w << " in \"" << text << "\"";
      EXPECT_GE(count, 4) << text;
    }
  }
  // Open vocabulary (no LM) writes words that are not English: "WELLING", "STIL".
  const std::string open = transcribe_sample("speech-16k-b.flac", {"--decoder", "beam", "--lm", "none"});
  EXPECT_NE(open.find("STIL "), std::string::npos) << open;
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

namespace w2v2 {
namespace {

// Per-input outputs of every format for the demo samples, with word timings that agree with the text.
TEST(DefaultModel, PerInputFilesWithWordTimings) {
  if (!has_default_model()) GTEST_SKIP() << "models/default is not in this checkout";
  test::TempDir dir;
  const std::string out = dir.file("out");
  const auto r = test::run_w2v2({"transcribe", test::source_path("data/samples"), "--model",
                                 test::source_path("models/default"), "--output-dir", out, "--format",
                                 "txt,jsonl,csv,srt,vtt", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty()) << "per-input files only";
  // speech-16k.wav and speech-16k.flac share a stem: both keep their extension.
  for (const char* stem : {"speech-16k.wav", "speech-16k.flac", "speech-16k-b", "speech-22k05", "speech-8k",
                           "speech-44k1-stereo-24bit"}) {
    const std::string base = out + "/" + stem;
    for (const char* ext : {".txt", ".json", ".csv", ".srt", ".vtt"}) {
      ASSERT_TRUE(std::filesystem::exists(base + ext)) << base + ext;
    }
    const auto record = nlohmann::json::parse(test::read_text(base + ".json"));
    const std::string text = record["text"];
    EXPECT_EQ(test::read_text(base + ".txt"), text + "\n");
    std::string joined;
    double previous_end = 0.0;
    for (const auto& w : record["words"]) {
      joined += (joined.empty() ? "" : " ") + w["word"].get<std::string>();
      EXPECT_GE(w["start"].get<double>(), previous_end - 1e-9);
      EXPECT_GT(w["end"].get<double>(), w["start"].get<double>());
      EXPECT_LE(w["end"].get<double>(), record["duration"].get<double>() + 0.03);
      EXPECT_GT(w["confidence"].get<double>(), 0.0);
      EXPECT_LE(w["confidence"].get<double>(), 1.0);
      previous_end = w["end"].get<double>();
    }
    EXPECT_EQ(joined, text) << stem;
    EXPECT_FALSE(record["words"].empty()) << stem;
    EXPECT_NE(test::read_text(base + ".srt").find("1\n00:00:0"), std::string::npos) << stem;
    EXPECT_EQ(test::read_text(base + ".vtt").rfind("WEBVTT\n\n", 0), 0u) << stem;
    EXPECT_EQ(test::read_text(base + ".csv").rfind("id,path,status,duration,text,stage,error\r\n", 0), 0u);
  }
}

TEST(Cli, OutputFormatRules) {
  test::TempDir dir;
  const std::string model = test::fixture("models/tiny-layer-st");
  const auto srt = test::run_w2v2({"transcribe", test::fixture("audio"), "--model", model, "--format", "srt"});
  EXPECT_EQ(srt.exit_code, 3) << srt.err;
  EXPECT_NE(srt.err.find("--output-dir"), std::string::npos) << srt.err;
  EXPECT_EQ(test::run_w2v2({"transcribe", test::fixture("audio"), "--model", model, "--format", "txt,xml"}).exit_code,
            2);
  const auto csv = test::run_w2v2(
      {"transcribe", test::fixture("audio"), "--model", model, "--format", "csv", "-o", dir.file("all.csv"), "-q"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  const std::string text = test::read_text(dir.file("all.csv"));
  EXPECT_EQ(text.rfind("id,path,status,duration,text,stage,error\r\n", 0), 0u);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 4);  // header + 3 inputs
}

}  // namespace
}  // namespace w2v2
