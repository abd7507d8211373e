// `w2v2 bench` end to end on the fixture model: every requested case is timed and reported.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "support/test_support.h"

namespace w2v2 {
namespace {

using test::run_w2v2;

// `w2v2 bench` on the tiny fixture model, one thread, no warm-up, one repeat, with `flags`; -> its JSON report
// (written as `name` in `dir`). `out`, when given, receives the printed table.
nlohmann::json bench_tiny_model(const test::TempDir& dir, const std::string& name, const std::vector<std::string>& flags,
                                std::string* out = nullptr) {
  std::vector<std::string> args{"bench",  "--model",  test::fixture("models/tiny-layer-st"), "--repeat", "1",
                                "--warmup", "0", "--threads", "1", "--json", dir.file(name)};
  args.insert(args.end(), flags.begin(), flags.end());
  const auto r = run_w2v2(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  if (out) *out = r.out;
  return nlohmann::json::parse(test::read_text(dir.file(name)));
}

TEST(BenchCli, TimesEveryCaseOnSyntheticAudio) {
  test::TempDir dir;
  const auto r = run_w2v2({"bench", "--model", test::fixture("models/tiny-layer-st"), "--count", "3", "--durations",
                           "1,2", "--repeat", "2", "--warmup", "1", "--pipeline", "on,off", "--batch-sizes", "1,2",
                           "--threads", "1", "--json", dir.file("bench.json"), "--audio-dir", dir.file("audio")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(test::read_text(dir.file("bench.json")));
  ASSERT_EQ(j["cases"].size(), 3u);  // on x 1, on x 2, off x 1 (the serial loop does not batch)
  EXPECT_EQ(j["machine"]["intra_op_threads"], 1);
  EXPECT_FALSE(j["machine"]["torch_version"].get<std::string>().empty());
  EXPECT_FALSE(j["machine"]["blas_library"].get<std::string>().empty());
  EXPECT_NE(j["command_line"].get<std::string>().find("--batch-sizes 1,2"), std::string::npos);
  for (const auto& c : j["cases"]) {
    EXPECT_EQ(c["utterances"], 3);
    EXPECT_EQ(c["failures"], 0);
    EXPECT_DOUBLE_EQ(c["audio_seconds"].get<double>(), 4.0);  // 1 + 2 + 1 s
    EXPECT_EQ(c["wall_seconds_repeats"].size(), 2u);
    EXPECT_GT(c["real_time_factor"].get<double>(), 0.0);
    EXPECT_GT(c["model_only_real_time_factor"].get<double>(), 0.0);
    EXPECT_GT(c["pipeline_overhead"].get<double>(), 0.0);
    EXPECT_GE(c["latency_seconds"]["p99"].get<double>(), c["latency_seconds"]["p50"].get<double>());
    EXPECT_GT(c["peak_rss_bytes"].get<double>(), 0.0);
    EXPECT_GT(c["rss_at_case_start_bytes"].get<double>(), 0.0);
    EXPECT_GE(c["peak_rss_bytes"].get<double>(), c["rss_at_case_start_bytes"].get<double>());
  }
  EXPECT_EQ(j["cases"][1]["batch_size"], 2);
  EXPECT_EQ(j["cases"][1]["batches"], 2);  // lengths 2, 1, 1 s: [2 s] alone (padding cap), [1 s, 1 s]
  EXPECT_NE(r.out.find("overhead"), std::string::npos) << r.out;
}

// --precisions crosses the other modes (outermost); each case records its precision as given and as run.
TEST(BenchCli, PrecisionsAreCrossedAndRecorded) {
  test::TempDir dir;
  std::string out;
  const auto j = bench_tiny_model(dir, "bench.json",
                                  {"--count", "2", "--durations", "1", "--precisions", "fp32,int8", "--batch-sizes", "1,2"},
                                  &out);
  ASSERT_EQ(j["cases"].size(), 4u);
  const std::vector<std::string> expected{"fp32", "fp32", "int8", "int8"};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(j["cases"][i]["precision"], expected[i]);
    EXPECT_EQ(j["cases"][i]["batch_size"], i % 2 ? 2 : 1);
    EXPECT_EQ(j["cases"][i]["failures"], 0);
  }
  EXPECT_EQ(j["cases"][0]["precision_detail"], "fp32");
  EXPECT_EQ(j["cases"][2]["precision_detail"].get<std::string>().rfind("int8 (", 0), 0u) << j["cases"][2];
  EXPECT_NE(out.find("int8"), std::string::npos) << out;

  const auto k = bench_tiny_model(dir, "one.json", {"--count", "1", "--durations", "1", "--precision", "int8"});
  ASSERT_EQ(k["cases"].size(), 1u);
  EXPECT_EQ(k["cases"][0]["precision"], "int8");
}

TEST(BenchCli, ModelOnlyRunsLongFilesAsTheSameChunks) {
  // A 40 s file is two 30 s chunks (5 s stride each side) end to end; the model-only pass must time the
  // same two forwards, not one 40 s forward.
  test::TempDir dir;
  const auto j = bench_tiny_model(dir, "bench.json",
                                  {"--count", "1", "--durations", "40", "--pipeline", "on", "--batch-sizes", "1"});
  ASSERT_EQ(j["cases"].size(), 1u);
  EXPECT_EQ(j["cases"][0]["batches"], 2);
  EXPECT_EQ(j["cases"][0]["model_only_batches"], 2);
  EXPECT_DOUBLE_EQ(j["cases"][0]["audio_seconds"].get<double>(), 40.0);
}

TEST(BenchCli, RandomWeightsForAConfigAndRealFiles) {
  test::TempDir dir;
  const auto r = run_w2v2({"bench", test::fixture("audio"), "--config",
                           test::fixture("models/tiny-group-st/config.json"), "--random-weights", "--repeat", "1",
                           "--warmup", "0", "--json", dir.file("b.json")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(test::read_text(dir.file("b.json")));
  EXPECT_NE(j["model"].get<std::string>().find("random weights"), std::string::npos);
  EXPECT_EQ(j["cases"][0]["utterances"], 3);  // the three fixture files
}

TEST(BenchCli, ConfigWithoutRandomWeightsIsAUsageError) {
  const auto r = run_w2v2({"bench", "--config", test::fixture("models/tiny-group-st/config.json")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--random-weights"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace w2v2

namespace w2v2 {
namespace {

std::map<std::string, std::string> transcript_map(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const auto split = line.find_first_of(" \t");
    out[line.substr(0, split)] = split == std::string::npos ? "" : line.substr(split + 1);
  }
  return out;
}

// The Python baseline of bench_compare.sh must run the same model on the same weights: its transcripts
// equal ours on the fixture model (both families), so the speed ratio compares like with like.
TEST(BenchBaseline, SameTranscriptsAsW2v2) {
  if (test::run_command("/usr/bin/python3", {"-c", "import torchaudio, soundfile"}).exit_code != 0) {
    GTEST_SKIP() << "/usr/bin/python3 lacks torchaudio or soundfile (scripts/setup.sh installs them)";
  }
  for (const char* model : {"models/tiny-group-st", "models/tiny-layer-bin"}) {
    test::TempDir dir;
    // The baseline with torchaudio (the reference here), one pass, extra flags -> its exit status and output.
    auto baseline = [&](std::vector<std::string> flags) {
      std::vector<std::string> args{test::source_path("scripts/bench_baseline.py"), "--model", test::fixture(model),
                                    "--implementation", "torchaudio", "--threads", "1", "--warmup", "0",
                                    "--repeat", "1"};
      args.insert(args.end(), flags.begin(), flags.end());
      args.push_back(test::fixture("audio"));
      return test::run_command("/usr/bin/python3", args);
    };
    const auto base = baseline({"--json", dir.file("b.json"), "--transcripts", dir.file("b.txt")});
    ASSERT_EQ(base.exit_code, 0) << base.err;
    const auto ours = test::run_w2v2({"transcribe", "--model", test::fixture(model), test::fixture("audio"), "-q"});
    ASSERT_EQ(ours.exit_code, 0) << ours.err;
    std::map<std::string, std::string> expected;  // our ids of plain files keep the extension
    for (const auto& [id, text] : transcript_map(ours.out)) expected[id.substr(0, id.rfind(".wav"))] = text;
    ASSERT_EQ(expected.size(), 3u);
    EXPECT_EQ(transcript_map(test::read_text(dir.file("b.txt"))), expected) << model;
    const auto j = nlohmann::json::parse(test::read_text(dir.file("b.json")));
    EXPECT_EQ(j["files"], 3);
    EXPECT_GT(j["real_time_factor"].get<double>(), 0.0);
    EXPECT_EQ(j["batch_size"], 1);
    EXPECT_EQ(j["padding_waste"].get<double>(), 0.0);

    // Padded batches (--batch-size). torchaudio masks padded frames in the encoder but not in the group norm of
    // the group family's first conv layer, so only the layer family keeps every transcript there.
    const auto batched =
        baseline({"--batch-size", "3", "--json", dir.file("b3.json"), "--transcripts", dir.file("b3.txt")});
    ASSERT_EQ(batched.exit_code, 0) << batched.err;
    const auto j3 = nlohmann::json::parse(test::read_text(dir.file("b3.json")));
    EXPECT_EQ(j3["batch_size"], 3);
    EXPECT_GT(j3["padding_waste"].get<double>(), 0.0);
    if (std::string(model).find("layer") != std::string::npos) {
      EXPECT_EQ(transcript_map(test::read_text(dir.file("b3.txt"))), expected) << model << " in one padded batch";
    }
  }
}

}  // namespace
}  // namespace w2v2
