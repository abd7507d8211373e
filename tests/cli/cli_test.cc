// End-to-end runs of the w2v2 binary on the fixture model and audio.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "output/npy_file.h"
#include "support/test_support.h"

#include <sndfile.h>

namespace w2v2 {
namespace {

namespace fs = std::filesystem;
using test::run_w2v2;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(Cli, HelpAndBadFlags) {
  const auto help = run_w2v2({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("transcribe"), std::string::npos);
  EXPECT_EQ(run_w2v2({"transcribe", "--no-such-flag", "x"}).exit_code, 2);
  EXPECT_EQ(run_w2v2({}).exit_code, 2);
  EXPECT_EQ(run_w2v2({"transcribe", test::fixture("audio"), "--format", "xml"}).exit_code, 2);
}

TEST(Cli, PrecisionFlagIsCheckedAndEachRunsOnlyWhereItCan) {
  const std::string model = test::fixture("models/tiny-layer-st");
  const std::string input = test::fixture("audio/sig_b.wav");
  const auto bad = run_w2v2({"transcribe", input, "--model", model, "--precision", "half"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("expected fp32, tf32, bf16, fp16 or int8"), std::string::npos) << bad.err;
  EXPECT_EQ(run_w2v2({"transcribe", input, "--model", model, "--int8-weight-bits", "6"}).exit_code, 2);
  EXPECT_EQ(run_w2v2({"transcribe", input, "--model", model, "--int8-ff-activation-bits", "12"}).exit_code, 2);
  for (const std::string command : {"transcribe", "eval", "bench"}) {
    const auto cuda = run_w2v2({command, input, "--model", model, "--precision", "int8", "--device", "cuda"});
    EXPECT_NE(cuda.exit_code, 0) << command;
    EXPECT_NE(cuda.err.find("--precision int8 runs on the CPU only"), std::string::npos) << command << ": " << cuda.err;
  }
  // The GPU-only precisions on the CPU (the same rule for every command: tests/core/device_test.cc).
  for (const auto& [command, gpu_only] : std::vector<std::pair<std::string, std::string>>{{"transcribe", "fp16"},
                                                                                         {"bench", "tf32"}}) {
    const auto cpu = run_w2v2({command, input, "--model", model, "--precision", gpu_only, "--device", "cpu"});
    EXPECT_NE(cpu.exit_code, 0) << command << " " << gpu_only;
    EXPECT_NE(cpu.err.find("--precision " + gpu_only + " runs on CUDA only"), std::string::npos)
        << command << ": " << cpu.err;
  }
  const auto bf16 = run_w2v2({"transcribe", input, "--model", model, "--precision", "bf16"});
  EXPECT_EQ(bf16.exit_code, 0) << bf16.err;
  EXPECT_NE(bf16.err.find("graph capture off, bf16)"), std::string::npos) << "the load line names it: " << bf16.err;
  const auto both = run_w2v2({"bench", input, "--model", model, "--precision", "int8", "--precisions", "fp32"});
  EXPECT_EQ(both.exit_code, 2) << "--precision and --precisions exclude each other";
}

TEST(Cli, DeviceFlagIsCheckedAndCudaIsRefusedClearlyWithoutAGpu) {
  const std::string model = test::fixture("models/tiny-group-st");
  EXPECT_EQ(run_w2v2({"transcribe", test::fixture("audio"), "--model", model, "--device", "gpu"}).exit_code, 2);
  const auto cpu = run_w2v2({"transcribe", test::fixture("audio/sig_b.wav"), "--model", model, "--device", "auto"});
  EXPECT_EQ(cpu.exit_code, 0) << cpu.err;
  const auto cuda = run_w2v2({"transcribe", test::fixture("audio/sig_b.wav"), "--model", model, "--device", "cuda"});
  if (cpu.err.find("on cuda:") != std::string::npos) GTEST_SKIP() << "a GPU is visible here";
  EXPECT_EQ(cuda.exit_code, 3) << cuda.err;  // a configuration error, named
  EXPECT_NE(cuda.err.find("device 'cuda'"), std::string::npos) << cuda.err;
  EXPECT_NE(cuda.err.find("no CUDA"), std::string::npos) << cuda.err;  // "this build has no CUDA" or "no CUDA device"
}

TEST(Cli, MissingModelSaysWhatToPass) {
  test::TempDir dir;
  const auto r = run_w2v2({"transcribe", test::fixture("audio"), "--model", dir.file("nope")});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("--model"), std::string::npos) << r.err;
}

// The transcripts are the reference implementation's greedy decoding of its own logits.
TEST(Cli, TranscribesAFolderWithTheReferenceTexts) {
  for (const std::string family : {"group", "layer"}) {
    const auto r = run_w2v2({"transcribe", test::fixture("audio"), "--model", test::fixture("models/tiny-" + family + "-st"),
                             "--threads", "1"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, test::read_text(test::fixture("reference/" + family + "/transcripts.txt"))) << family;
  }
}

TEST(Cli, LogitsDirMatchesTheReference) {
  test::TempDir dir;
  const auto r = run_w2v2({"transcribe", test::fixture("audio"), "--model", test::fixture("models/tiny-layer-bin"),
                           "--logits-dir", dir.file("logits"), "--output", dir.file("out.txt")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");  // results went to the file
  EXPECT_EQ(lines_of(test::read_text(dir.file("out.txt"))).size(), 3u);
  for (const std::string signal : {"sig_a", "sig_b", "sig_c"}) {
    const NpyArray ours = read_npy(dir.file("logits/" + signal + ".npy"));
    const NpyArray ref = read_npy(test::fixture("reference/layer/" + signal + ".npy"));
    ASSERT_EQ(ours.shape, ref.shape);
    for (size_t i = 0; i < ref.data.size(); ++i) ASSERT_NEAR(ours.data[i], ref.data[i], 1e-4) << signal << " " << i;
  }
}

TEST(Cli, ACorruptFileYieldsAnErrorRecordWhileTheOthersSucceed) {
  test::TempDir dir;
  fs::create_directories(dir.path() / "in" / "sub");
  fs::copy_file(test::fixture("audio/sig_a.wav"), dir.path() / "in" / "a.wav");
  fs::copy_file(test::fixture("audio/sig_b.wav"), dir.path() / "in" / "sub" / "b.wav");
  test::write_text(dir.file("in/broken.wav"), "RIFF....WAVEfmt garbage that is not audio");
  test::write_text(dir.file("in/empty.flac"), "");
  const auto r = run_w2v2({"transcribe", dir.file("in"), "--model", test::fixture("models/tiny-group-st"), "--format",
                           "jsonl"});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 4u) << r.out;
  const auto ref = lines_of(test::read_text(test::fixture("reference/group/transcripts.txt")));
  std::map<std::string, nlohmann::json> by_id;
  for (const auto& line : lines) {
    const auto j = nlohmann::json::parse(line);
    by_id[j["id"]] = j;
  }
  EXPECT_EQ(by_id["a.wav"]["status"], "ok");
  EXPECT_EQ("sig_a.wav\t" + by_id["a.wav"]["text"].get<std::string>(), ref[0]);
  EXPECT_EQ("sig_b.wav\t" + by_id["sub/b.wav"]["text"].get<std::string>(), ref[1]);
  EXPECT_NEAR(by_id["sub/b.wav"]["duration"].get<double>(), 8800 / 16000.0, 1e-9);
  EXPECT_EQ(by_id["broken.wav"]["status"], "error");
  EXPECT_EQ(by_id["broken.wav"]["stage"], "read");
  EXPECT_NE(by_id["broken.wav"]["error"].get<std::string>().find("broken.wav"), std::string::npos);
  EXPECT_NE(by_id["empty.flac"]["error"].get<std::string>().find("empty file"), std::string::npos);
  EXPECT_NE(r.err.find("broken.wav"), std::string::npos);  // the summary names it too
}

TEST(Cli, LogitsOfNestedAndExplicitFilesKeepDistinctNames) {
  test::TempDir dir;
  fs::create_directories(dir.path() / "in" / "x");
  fs::create_directories(dir.path() / "in" / "y");
  fs::copy_file(test::fixture("audio/sig_b.wav"), dir.path() / "in" / "x" / "s.wav");
  fs::copy_file(test::fixture("audio/sig_c.wav"), dir.path() / "in" / "y" / "s.wav");
  const auto r = run_w2v2({"transcribe", dir.file("in"), test::fixture("audio/sig_a.wav"), "--model",
                           test::fixture("models/tiny-group-st"), "--logits-dir", dir.file("l")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_npy(dir.file("l/x/s.npy")).shape, read_npy(test::fixture("reference/group/sig_b.npy")).shape);
  EXPECT_EQ(read_npy(dir.file("l/y/s.npy")).shape, read_npy(test::fixture("reference/group/sig_c.npy")).shape);
  EXPECT_EQ(read_npy(dir.file("l/sig_a.npy")).shape, read_npy(test::fixture("reference/group/sig_a.npy")).shape);
}

TEST(Cli, RealLibriSpeechAndOddFormatsRunEndToEnd) {
  const std::string shared = test::shared_data_dir();
  if (shared.empty()) GTEST_SKIP() << "../shared/data is absent";
  const auto r = run_w2v2({"transcribe", shared + "/odd-formats", "--model", test::fixture("models/tiny-layer-st"),
                           "--format", "jsonl"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const auto& line : lines_of(r.out)) {
    const auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["status"], "ok") << line;
    EXPECT_GT(j["duration"].get<double>(), 0.5) << line;
  }
  EXPECT_EQ(lines_of(r.out).size(), 8u);
}

}  // namespace
}  // namespace w2v2

namespace w2v2 {
namespace {

// A LibriSpeech-layout copy of the fixture audio whose references are the reference implementation's
// own transcripts: WER must be exactly 0, and a wrong reference word must show as one substitution.
void make_fixture_corpus(const fs::path& root, const std::string& family, bool corrupt_one_word) {
  fs::create_directories(root / "7" / "8");
  const auto refs = lines_of(test::read_text(test::fixture("reference/" + family + "/transcripts.txt")));
  std::string trans;
  for (size_t i = 0; i < refs.size(); ++i) {
    const std::string id = "7-8-000" + std::to_string(i);
    const std::string file = refs[i].substr(0, refs[i].find('\t'));
    std::string text = refs[i].substr(refs[i].find('\t') + 1);
    if (corrupt_one_word && i == 0) text = "WRONGWORD" + text.substr(text.find(' '));
    fs::copy_file(test::fixture("audio/" + file), root / "7" / "8" / (id + ".wav"));
    trans += id + " " + text + "\n";
  }
  test::write_text((root / "7" / "8" / "7-8.trans.txt").string(), trans);
}

TEST(CliEval, ScoresACorpusAndWritesEveryReport) {
  test::TempDir dir;
  make_fixture_corpus(dir.path() / "corpus", "group", false);
  const auto r = run_w2v2({"eval", dir.file("corpus"), "--model", test::fixture("models/tiny-group-st"), "--report",
                           dir.file("report.json"), "--details", dir.file("details.jsonl"), "--trn-dir", dir.file("trn")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto report = nlohmann::json::parse(test::read_text(dir.file("report.json")));
  EXPECT_EQ(report["wer"].get<double>(), 0.0);
  EXPECT_EQ(report["utterances"].get<int>(), 3);
  EXPECT_GT(report["words"]["reference_length"].get<int>(), 3);
  EXPECT_GT(report["real_time_factor"].get<double>(), 0.0);
  EXPECT_TRUE(report.contains("version"));
  EXPECT_EQ(lines_of(test::read_text(dir.file("details.jsonl"))).size(), 3u);
  EXPECT_NE(test::read_text(dir.file("trn/hyp.trn")).find("(7-8-0000)"), std::string::npos);
  EXPECT_EQ(test::read_text(dir.file("trn/hyp.trn")), test::read_text(dir.file("trn/ref.trn")));
}

TEST(CliEval, ToleranceGatesTheExitCode) {
  test::TempDir dir;
  make_fixture_corpus(dir.path() / "corpus", "layer", true);
  const std::vector<std::string> base{"eval", dir.file("corpus"), "--model", test::fixture("models/tiny-layer-st"),
                                      "--details", dir.file("d.jsonl")};
  auto strict = base;
  strict.insert(strict.end(), {"--tolerance", "0"});
  const auto failing = run_w2v2(strict);
  EXPECT_EQ(failing.exit_code, 6) << failing.err;
  const auto first = nlohmann::json::parse(lines_of(test::read_text(dir.file("d.jsonl")))[0]);
  EXPECT_EQ(first["words"]["substitutions"].get<int>(), 1);
  auto loose = base;
  loose.insert(loose.end(), {"--tolerance", "0.5"});
  EXPECT_EQ(run_w2v2(loose).exit_code, 0);
}

TEST(Cli, AnOutputFileThatCannotBeWrittenFailsOnlyItsInput) {
  // 251 characters + ".wav" is a legal name, but its "<stem>.json" exceeds the 255-byte limit.
  test::TempDir dir;
  fs::create_directories(dir.path() / "in");
  const std::string long_stem(251, 'n');
  fs::copy_file(test::fixture("audio/sig_a.wav"), dir.path() / "in" / "a.wav");
  fs::copy_file(test::fixture("audio/sig_b.wav"), dir.path() / "in" / (long_stem + ".wav"));
  for (const char* pipeline : {"on", "off"}) {
    const std::string out = dir.file(std::string("out-") + pipeline);
    const auto r = run_w2v2({"transcribe", dir.file("in"), "--model", test::fixture("models/tiny-group-st"),
                             "--output-dir", out, "-f", "jsonl", "--pipeline", pipeline});
    EXPECT_EQ(r.exit_code, 5) << r.err;  // some inputs failed; not an internal error
    EXPECT_TRUE(fs::exists(fs::path(out) / "a.json")) << pipeline;
    EXPECT_NE(r.err.find("failed at output"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("1 ok, 1 failed"), std::string::npos) << r.err;
    // The journal keeps the transcript that could not be written (a full disk looks the same): --resume.
    EXPECT_NE(r.err.find("transcripts could not be written; fix the cause and rerun with --resume"),
              std::string::npos) << r.err;
  }
}

TEST(CliScore, TabSeparatedHypothesesFromTranscribeScore) {
  // transcribe -o writes "<id><TAB><text>"; ids of files in folders with spaces keep their spaces.
  test::TempDir dir;
  test::write_text(dir.file("ref"), "take 1.wav\tTHE CAT SAT\ntake 2.wav\tON THE MAT\n");
  test::write_text(dir.file("hyp"), "take 1.wav\tTHE CAT SAT\ntake 2.wav\tON A MAT\n");
  const auto r = run_w2v2({"score", "--ref", dir.file("ref"), "--hyp", dir.file("hyp"), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["words"]["substitutions"].get<int>(), 1);
  EXPECT_EQ(j["words"]["reference_length"].get<int>(), 6);
}

TEST(CliScore, ReportsMissingIdsAndScores) {
  test::TempDir dir;
  test::write_text(dir.file("ref"), "a-1 THE CAT SAT\na-2 ON THE MAT\n");
  test::write_text(dir.file("hyp"), "a-1 the cat sat\n");
  const auto r = run_w2v2({"score", "--ref", dir.file("ref"), "--hyp", dir.file("hyp"), "--json"});
  EXPECT_EQ(r.exit_code, 5);  // an id is missing: reported, not dropped
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["words"]["deletions"].get<int>(), 3);
  EXPECT_DOUBLE_EQ(j["wer"].get<double>(), 0.5);
  EXPECT_EQ(j["missing_hypotheses"][0], "a-2");
  EXPECT_NE(r.err.find("a-2"), std::string::npos);
}

}  // namespace
}  // namespace w2v2

namespace w2v2 {
namespace {

// --pipeline off is the same stages run serially: every output format, per-input files and a long file
// read in chunks included, is byte-identical to the threaded run's.
TEST(CliPipeline, EveryOutputFormatIsByteIdenticalOnAndOff) {
  test::TempDir dir;
  fs::create_directories(dir.path() / "in" / "sub");
  for (const std::string s : {"sig_a", "sig_b", "sig_c"}) {
    fs::copy_file(test::fixture("audio/" + s + ".wav"), dir.path() / "in" / "sub" / (s + ".wav"));
  }
  test::write_audio(dir.file("in/long.wav"), test::sine(220, 16000, 16000 * 7), 16000, 1, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
  test::write_text(dir.file("in/bad.wav"), "garbage");
  std::map<std::string, std::string> files[2];
  for (int on = 0; on < 2; ++on) {
    const std::string out = dir.file(on ? "on" : "off");
    const auto r = run_w2v2({"transcribe", dir.file("in"), "--model", test::fixture("models/tiny-group-st"),
                             "--output-dir", out, "-f", "txt,jsonl,csv,srt,vtt", "--pipeline", on ? "on" : "off",
                             "--chunk-seconds", "3", "--stride-seconds", "0.5", "--batch-size", "2", "-q"});
    EXPECT_EQ(r.exit_code, 5) << r.err;  // the bad file
    for (const auto& entry : fs::recursive_directory_iterator(out)) {
      if (entry.is_regular_file()) files[on][fs::relative(entry.path(), out).string()] = test::read_text(entry.path());
    }
  }
  EXPECT_GE(files[1].size(), 20u);  // 4 transcripts x 5 formats (the failed input has its records too)
  EXPECT_EQ(files[0], files[1]);
  ASSERT_TRUE(files[1].count("long.txt"));
  EXPECT_FALSE(files[1]["long.txt"].empty());
}

TEST(CliPipeline, OnEqualsOffByteForByteAndTraceIsWritten) {
  test::TempDir dir;
  fs::create_directories(dir.path() / "in");
  for (int copy = 0; copy < 3; ++copy) {
    for (const std::string s : {"sig_a", "sig_b", "sig_c"}) {
      fs::copy_file(test::fixture("audio/" + s + ".wav"), dir.path() / "in" / (s + "_" + std::to_string(copy) + ".wav"));
    }
  }
  test::write_text(dir.file("in/zz_bad.wav"), "garbage");
  std::string outputs[2];
  for (int on = 0; on < 2; ++on) {
    std::vector<std::string> args{"transcribe", dir.file("in"), "--model", test::fixture("models/tiny-group-st"),
                                  "--format", "jsonl", "--pipeline", on ? "on" : "off", "--batch-size", "4",
                                  "--logits-dir", dir.file(on ? "l_on" : "l_off")};
    if (on) args.insert(args.end(), {"--trace", dir.file("trace.json"), "--readers", "2", "--check-padding", "5"});
    const auto r = run_w2v2(args);
    EXPECT_EQ(r.exit_code, 5) << r.err;  // the bad file
    outputs[on] = r.out;
    EXPECT_NE(r.err.find("device waited on host"), std::string::npos);
  }
  EXPECT_EQ(outputs[0], outputs[1]);
  EXPECT_EQ(lines_of(outputs[1]).size(), 10u);
  const std::string err = run_w2v2({"transcribe", dir.file("in"), "--model", test::fixture("models/tiny-group-st"),
                                    "--batch-size", "4", "--max-padding", "1", "--check-padding", "5"}).err;
  // Sorted batches of 4: [a a a c] [c c b b] [b]: three members are shorter than their batch.
  EXPECT_NE(err.find("padding check: 3 padded utterances re-run alone"), std::string::npos) << err;
  EXPECT_NE(err.find("; 0 transcript differences"), std::string::npos) << err;
  for (const std::string s : {"sig_a_0", "sig_b_1", "sig_c_2"}) {
    const auto a = read_npy(dir.file("l_on/" + s + ".npy"));
    const auto b = read_npy(dir.file("l_off/" + s + ".npy"));
    ASSERT_EQ(a.shape, b.shape);
    for (size_t i = 0; i < a.data.size(); ++i) ASSERT_NEAR(a.data[i], b.data[i], 1e-4) << s;  // batched vs alone
  }
  const auto trace = nlohmann::json::parse(test::read_text(dir.file("trace.json")));
  std::set<std::string> names;
  for (const auto& e : trace["traceEvents"]) names.insert(e["name"].get<std::string>());
  for (const char* n : {"read", "forward", "decode", "thread_name"}) EXPECT_TRUE(names.count(n)) << n;
}

}  // namespace
}  // namespace w2v2

namespace w2v2 {
namespace {

TEST(Cli, MaxFailuresRelaxesTheExitCodeNotTheRecords) {
  test::TempDir dir;
  const std::string corpus = dir.file("corpus");
  std::filesystem::create_directories(corpus);
  std::filesystem::copy_file(test::fixture("audio/sig_a.wav"), corpus + "/good.wav");
  test::write_text(corpus + "/broken.wav", "this is not audio");
  const std::string model = test::fixture("models/tiny-layer-st");
  const auto strict = test::run_w2v2({"transcribe", corpus, "--model", model, "-f", "jsonl", "-q"});
  EXPECT_EQ(strict.exit_code, 5);
  EXPECT_NE(strict.err.find("broken.wav"), std::string::npos) << strict.err;
  const auto relaxed = test::run_w2v2({"transcribe", corpus, "--model", model, "-f", "jsonl", "--max-failures", "1"});
  EXPECT_EQ(relaxed.exit_code, 0) << relaxed.err;
  EXPECT_NE(relaxed.out.find("\"status\":\"error\""), std::string::npos) << relaxed.out;
  EXPECT_NE(relaxed.out.find("\"status\":\"ok\""), std::string::npos) << relaxed.out;
  EXPECT_NE(relaxed.err.find("failures (1)"), std::string::npos) << relaxed.err;
}

}  // namespace
}  // namespace w2v2

namespace w2v2 {
namespace {

TEST(Cli, LongFilesAreChunkedTheSameWayWithAndWithoutThePipeline) {
  test::TempDir dir;
  std::vector<float> samples;
  for (int i = 0; i < 12; ++i) {  // 24 s of tones changing every 2 s
    const auto tone = test::sine(150.0 + 40.0 * i, 16000, 32000, 0.4);
    samples.insert(samples.end(), tone.begin(), tone.end());
  }
  test::write_audio(dir.file("long.wav"), samples, 16000, 1, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
  const std::string model = test::fixture("models/tiny-group-st");
  std::string outputs[2];
  int k = 0;
  for (const char* pipeline : {"on", "off"}) {
    const auto r = test::run_w2v2({"transcribe", dir.file("long.wav"), "--model", model, "--chunk-seconds", "5",
                                   "--stride-seconds", "1", "--pipeline", pipeline, "-f", "jsonl"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    outputs[k++] = r.out;
  }
  EXPECT_EQ(outputs[0], outputs[1]);
  const auto record = nlohmann::json::parse(outputs[0]);
  EXPECT_DOUBLE_EQ(record["duration"].get<double>(), 24.0);
  // The same at 44.1 kHz stereo: the pipeline streams and resamples it chunk by chunk, the serial loop
  // resamples it whole; the outputs must still be byte-identical.
  std::vector<float> stereo;
  for (int i = 0; i < 12; ++i) {
    const auto tone = test::sine(150.0 + 40.0 * i, 44100, 88200, 0.4);
    for (float x : tone) stereo.insert(stereo.end(), {x, 0.5f * x});
  }
  test::write_audio(dir.file("long-44k.flac"), stereo, 44100, 2, SF_FORMAT_FLAC | SF_FORMAT_PCM_24);
  k = 0;
  for (const char* pipeline : {"on", "off"}) {
    const auto r = test::run_w2v2({"transcribe", dir.file("long-44k.flac"), "--model", model, "--chunk-seconds",
                                   "5", "--stride-seconds", "1", "--pipeline", pipeline, "-f", "jsonl"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    outputs[k++] = r.out;
  }
  EXPECT_EQ(outputs[0], outputs[1]);
  EXPECT_DOUBLE_EQ(nlohmann::json::parse(outputs[0])["duration"].get<double>(), 24.0);
  const auto bad = test::run_w2v2({"transcribe", dir.file("long.wav"), "--model", model, "--chunk-seconds", "4",
                                   "--stride-seconds", "2"});
  EXPECT_EQ(bad.exit_code, 3) << bad.err;
  EXPECT_NE(bad.err.find("stride"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace w2v2
