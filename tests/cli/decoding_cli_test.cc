// End-to-end runs of the decoding flags (--decoder, --nbest, --lm ...) and the model folder's
// language_model/ on the fixture model.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "support/test_support.h"

namespace w2v2 {
namespace {

namespace fs = std::filesystem;
using test::run_w2v2;

const std::string kModel = "models/tiny-group-st";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// An ARPA unigram model over words the fixture model writes (reference/group/transcripts.txt).
constexpr const char* kArpa =
    "\\data\\\nngram 1=5\n\n\\1-grams:\n-1.0\t<unk>\n-1.0\t<s>\n-1.0\t</s>\n-0.5\tYD\n-0.7\tDRDF\n\n\\end\\\n";

// A copy of the fixture model with a language_model/ folder laid out as Hugging Face saves one.
fs::path model_with_language_model(const test::TempDir& dir, const std::string& lm_name, const std::string& lm_text) {
  const fs::path model = dir.path() / "model";
  fs::create_directories(model / "language_model");
  for (const auto& entry : fs::directory_iterator(test::fixture(kModel))) {
    fs::copy_file(entry.path(), model / entry.path().filename());
  }
  test::write_text((model / "language_model" / "attrs.json").string(),
                   R"({"alpha": 0.75, "beta": 2.0, "unk_score_offset": -7.0, "score_boundary": true})");
  test::write_text((model / "language_model" / "unigrams.txt").string(), "YD\nDRDF\n");
  test::write_text((model / "language_model" / lm_name).string(), lm_text);
  return model;
}

// A LibriSpeech-layout corpus of the fixture audio with the fixture model's own transcripts as references.
void make_corpus(const fs::path& root) {
  fs::create_directories(root / "7" / "8");
  const auto refs = lines_of(test::read_text(test::fixture("reference/group/transcripts.txt")));
  std::string trans;
  for (size_t i = 0; i < refs.size(); ++i) {
    const std::string id = "7-8-000" + std::to_string(i);
    fs::copy_file(test::fixture("audio/" + refs[i].substr(0, refs[i].find('\t'))), root / "7" / "8" / (id + ".wav"));
    trans += id + " " + refs[i].substr(refs[i].find('\t') + 1) + "\n";
  }
  test::write_text((root / "7" / "8" / "7-8.trans.txt").string(), trans);
}

TEST(CliDecoding, GreedyIsByteIdenticalToTheDefaultWithoutALanguageModel) {
  const std::string reference = test::read_text(test::fixture("reference/group/transcripts.txt"));
  for (const std::string format : {"txt", "jsonl", "csv"}) {
    const std::vector<std::string> base{"transcribe", test::fixture("audio"), "--model", test::fixture(kModel),
                                        "--threads", "1", "--format", format};
    const auto plain = run_w2v2(base);
    ASSERT_EQ(plain.exit_code, 0) << plain.err;
    std::vector<std::string> greedy = base;
    greedy.insert(greedy.end(), {"--decoder", "greedy"});
    const auto g = run_w2v2(greedy);
    ASSERT_EQ(g.exit_code, 0) << g.err;
    EXPECT_EQ(g.out, plain.out) << format;
    if (format == "txt") EXPECT_EQ(g.out, reference);
    EXPECT_EQ(plain.out.find("alternatives"), std::string::npos);
  }
}

TEST(CliDecoding, BadDecodingFlagsAreUsageErrors) {
  const test::TempDir dir;
  for (const std::vector<std::string>& flags :
       std::vector<std::vector<std::string>>{{"--decoder", "fast"},
                                             {"--beam-size", "0"},
                                             {"--beam-size", "x"},
                                             {"--nbest", "0"},
                                             {"--lm", dir.file("missing.arpa")},
                                             {"--lm-weight", "-1"},
                                             {"--lm-weight", "nan"},
                                             {"--word-score", "abc"},
                                             {"--unk-score-offset", "1"},
                                             {"--lexicon", dir.file("missing.txt")},
                                             {"--hotwords", dir.file("missing.txt")},
                                             {"--beam-threshold", "-1"},
                                             {"--token-min-log-prob", "0.5"}}) {
    std::vector<std::string> args{"transcribe", test::fixture("audio/sig_b.wav"), "--model", test::fixture(kModel)};
    args.insert(args.end(), flags.begin(), flags.end());
    const auto r = run_w2v2(args);
    EXPECT_EQ(r.exit_code, 2) << flags[0] << " " << flags[1] << ": " << r.err;
  }
  const auto help = run_w2v2({"transcribe", "--help"});
  for (const char* flag : {"--decoder", "--beam-size", "--lm", "--lm-weight", "--word-score", "--unk-score-offset",
                           "--lexicon", "--hotwords", "--hotword-boost", "--nbest", "--beam-threshold",
                           "--token-min-log-prob"}) {
    EXPECT_NE(help.out.find(flag), std::string::npos) << flag;
  }
  for (const char* command : {"eval", "bench"}) {
    EXPECT_NE(run_w2v2({command, "--help"}).out.find("--decoder"), std::string::npos) << command;
  }
}

// Needs the beam search (make_ctc_decoder with DecoderKind::kBeam).
TEST(CliDecoding, NbestGivesAlternativesInJsonl) {
  const auto r = run_w2v2({"transcribe", test::fixture("audio"), "--model", test::fixture(kModel), "--threads", "1",
                           "--decoder", "beam", "--beam-size", "8", "--nbest", "3", "--format", "jsonl"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 3u);
  size_t with_several = 0;
  for (const auto& line : lines) {
    const auto j = nlohmann::json::parse(line);
    ASSERT_TRUE(j.contains("alternatives")) << line;
    const auto& alternatives = j["alternatives"];
    ASSERT_GE(alternatives.size(), 1u) << line;
    ASSERT_LE(alternatives.size(), 3u) << line;
    with_several += alternatives.size() > 1;
    EXPECT_EQ(alternatives[0]["text"], j["text"]) << line;  // the best itself comes first
    for (size_t k = 1; k < alternatives.size(); ++k) {
      EXPECT_LE(alternatives[k]["score"].get<double>(), alternatives[k - 1]["score"].get<double>()) << line;
      EXPECT_NE(alternatives[k]["text"], alternatives[k - 1]["text"]) << line;
    }
  }
  EXPECT_GT(with_several, 0u) << r.out;
  // The txt format is unchanged by --nbest.
  const auto txt = run_w2v2({"transcribe", test::fixture("audio"), "--model", test::fixture(kModel), "--threads", "1",
                             "--decoder", "beam", "--beam-size", "8", "--nbest", "3"});
  ASSERT_EQ(txt.exit_code, 0) << txt.err;
  EXPECT_EQ(lines_of(txt.out).size(), 3u);
  EXPECT_EQ(txt.out.find("alternatives"), std::string::npos);
}

// Needs the beam search: beam 1 without an LM is greedy decoding (issue 15, item 2).
TEST(CliDecoding, BeamOneWithoutALanguageModelIsGreedy) {
  const auto r = run_w2v2({"transcribe", test::fixture("audio"), "--model", test::fixture(kModel), "--threads", "1",
                           "--decoder", "beam", "--beam-size", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, test::read_text(test::fixture("reference/group/transcripts.txt")));
}

TEST(CliDecoding, EvalReportRecordsTheDecoder) {
  const test::TempDir dir;
  make_corpus(dir.path() / "corpus");
  const auto greedy = run_w2v2({"eval", dir.file("corpus"), "--model", test::fixture(kModel), "--threads", "1",
                                "--report", dir.file("greedy.json")});
  ASSERT_EQ(greedy.exit_code, 0) << greedy.err;
  const auto g = nlohmann::json::parse(test::read_text(dir.file("greedy.json")));
  EXPECT_EQ(g["decoding"], nlohmann::json({{"decoder", "greedy"}})) << g["decoding"].dump();

  // With the model's language_model/: beam search by default, its attrs.json's weights unless a flag says
  // otherwise.
  const fs::path model = model_with_language_model(dir, "lm.arpa", kArpa);
  const auto beam = run_w2v2({"eval", dir.file("corpus"), "--model", model.string(), "--threads", "1", "--report",
                              dir.file("beam.json"), "--beam-size", "4", "--word-score", "0.5"});
  ASSERT_EQ(beam.exit_code, 0) << beam.err;
  const auto b = nlohmann::json::parse(test::read_text(dir.file("beam.json")))["decoding"];
  EXPECT_EQ(b["decoder"], "beam") << b.dump();
  EXPECT_EQ(b["beam_size"], 4) << b.dump();
  EXPECT_EQ(b["lm"], (model / "language_model" / "lm.arpa").string()) << b.dump();
  EXPECT_EQ(b["lm_weight"], 0.75) << b.dump();
  EXPECT_EQ(b["word_score"], 0.5) << b.dump();
  EXPECT_EQ(b["unk_score_offset"], -7.0) << b.dump();
  EXPECT_TRUE(b["lexicon"].is_null()) << b.dump();
}

TEST(CliDecoding, GreedyIgnoresTheModelsLanguageModel) {
  const test::TempDir dir;
  // Even a broken one: --decoder greedy does not read language_model/.
  const fs::path model = model_with_language_model(dir, "lm.arpa", "not an ARPA file");
  const auto r = run_w2v2({"transcribe", test::fixture("audio"), "--model", model.string(), "--threads", "1",
                           "--decoder", "greedy"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, test::read_text(test::fixture("reference/group/transcripts.txt")));
  const auto none = run_w2v2({"transcribe", test::fixture("audio"), "--model", model.string(), "--threads", "1",
                              "--lm", "none"});
  ASSERT_EQ(none.exit_code, 0) << none.err;
  EXPECT_EQ(none.out, r.out);
}

TEST(CliDecoding, ALanguageModelThatCannotBeUsedIsAModelLoadError) {
  const test::TempDir dir;
  const fs::path kenlm = model_with_language_model(
      dir, "5gram.bin", std::string("mmap lm http://kheafield.com/code") + std::string(64, '\x01'));
  const auto r = run_w2v2({"transcribe", test::fixture("audio/sig_b.wav"), "--model", kenlm.string()});
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_NE(r.err.find("KenLM binary"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("5gram.bin"), std::string::npos) << r.err;
}

TEST(CliDecoding, BenchTakesTheDecodingFlags) {
  const test::TempDir dir;
  const auto r = run_w2v2({"bench", "--model", test::fixture(kModel), "--count", "2", "--durations", "1", "--repeat",
                           "1", "--warmup", "0", "--pipeline", "on", "--batch-sizes", "1", "--threads", "1",
                           "--decoder", "greedy", "--json", dir.file("bench.json")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(test::read_text(dir.file("bench.json")));
  EXPECT_NE(j["decoding"].get<std::string>().find("decoder=greedy"), std::string::npos) << j["decoding"];
  EXPECT_TRUE(j["cases"][0]["busy_seconds"].contains("decode"));
  EXPECT_NE(r.out.find("decode s"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace w2v2
