// Hostile input (scripts/make_hostile_corpus.py): dozens of malformed files among good ones. No crash;
// each bad file gives an error record naming it; the good files are transcribed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/test_support.h"

namespace w2v2 {
namespace {

TEST(HostileInput, EveryBadFileIsIsolatedAndNamed) {
  test::TempDir dir;
  const std::string corpus = dir.file("corpus");
  const auto made = test::run_command("/usr/bin/python3", {test::source_path("scripts/make_hostile_corpus.py"), corpus,
                                                           "--good", test::source_path("data/samples/speech-16k.flac"),
                                                           test::source_path("data/samples/speech-8k.wav")});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  std::map<std::string, std::string> expected;
  std::ifstream tsv(corpus + "/expected.tsv");
  for (std::string line; std::getline(tsv, line);) {
    const auto tab = line.find('\t');
    expected[line.substr(0, tab)] = line.substr(tab + 1);
  }
  size_t inputs = 0, must_fail = 0;
  for (const auto& [name, outcome] : expected) {
    inputs += outcome != "skip";
    must_fail += outcome == "error";
  }
  ASSERT_GE(inputs, 30u);

  for (const char* pipeline : {"on", "off"}) {
    const auto r = test::run_w2v2({"transcribe", corpus, "--model", test::source_path("models/default"), "-f", "jsonl",
                                   "--pipeline", pipeline, "-q"});
    EXPECT_EQ(r.exit_code, 5) << "some inputs failed, none crashed the run: " << r.err;
    std::map<std::string, nlohmann::json> got;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
      const auto record = nlohmann::json::parse(line);
      got[record["id"].get<std::string>()] = record;
    }
    EXPECT_EQ(got.size(), inputs) << "one record per input";
    size_t failed = 0;
    for (const auto& [name, outcome] : expected) {
      if (outcome == "skip") continue;
      ASSERT_TRUE(got.count(name)) << name;
      const auto& record = got[name];
      const std::string status = record["status"];
      if (status == "error") {
        ++failed;
        EXPECT_NE(record["error"].get<std::string>().find(name), std::string::npos) << "the error names the file";
        EXPECT_FALSE(record["stage"].get<std::string>().empty());
      }
      if (outcome == "ok" || outcome == "error") {
        EXPECT_EQ(status, outcome) << name << ": " << record.dump();
      }
    }
    EXPECT_GE(failed, must_fail);
    // FFmpeg's inputs (scripts/make_hostile_corpus.py makes the MP4/MKV ones where the ffmpeg CLI is): the cause.
    const std::map<std::string, std::string> causes = {
        {"video-only.mp4", "no audio stream"},
        {"truncated-no-moov.m4a", "moov atom not found"},
        {"unknown-codec.mkv", "no decoder for the audio codec"},
        {"jpeg-data.m4a", "cannot decode audio"},
        {"zero-length.webm", "empty file"}};
    for (const auto& [name, cause] : causes) {
      if (!expected.count(name)) continue;
      EXPECT_NE(got[name]["error"].get<std::string>().find(cause), std::string::npos) << got[name].dump();
    }
    if (expected.count("good-aac.m4a")) EXPECT_EQ(got["good-aac.m4a"]["codec"], "aac");
    // FFmpeg's own log comes through spdlog: no line of stderr is FFmpeg's raw output.
    std::istringstream err(r.err);
    for (std::string line; std::getline(err, line);) EXPECT_EQ(line.rfind("[", 0), 0u) << line;
    EXPECT_FALSE(got["good-0.flac"]["text"].get<std::string>().empty());
    EXPECT_FALSE(got["good-1.wav"]["text"].get<std::string>().empty());
  }
}

}  // namespace
}  // namespace w2v2

namespace w2v2 {
namespace {

// Broken model folders (malformed safetensors, absurd or missing config.json values, vocabularies that
// disagree with the model): each is refused with an error naming the file, never a crash.
TEST(HostileInput, BrokenModelFoldersAreRefusedClearly) {
  test::TempDir dir;
  const auto made = test::run_command(
      "/usr/bin/python3", {test::source_path("scripts/make_hostile_corpus.py"), dir.file("corpus"), "--model",
                           test::fixture("models/tiny-group-st")});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  std::ifstream cases(dir.file("hostile-models/cases.txt"));
  size_t count = 0;
  for (std::string line; std::getline(cases, line);) {
    const auto tab = line.find('\t');
    const std::string name = line.substr(0, tab);
    const std::string expect = line.substr(tab + 1);
    const std::string folder = dir.file("hostile-models/" + name);
    const auto r = test::run_w2v2({"transcribe", test::fixture("audio/sig_a.wav"), "--model", folder, "-q"});
    ++count;
    if (expect == "warn") {
      EXPECT_EQ(r.exit_code, 0) << name << ": " << r.err;
      EXPECT_NE(r.err.find(folder + "/vocab.json"), std::string::npos) << name << ": " << r.err;
      continue;
    }
    EXPECT_TRUE(r.exit_code == 3 || r.exit_code == 4) << name << " exit " << r.exit_code << ": " << r.err;
    EXPECT_NE(r.err.find(folder), std::string::npos) << name << ": the error names the folder or file: " << r.err;
    EXPECT_TRUE(r.out.empty()) << name;
  }
  EXPECT_GE(count, 20u);
}

}  // namespace
}  // namespace w2v2

namespace w2v2 {
namespace {

// Broken language models (scripts/make_hostile_corpus.py --lm): `w2v2 lm-compile` refuses each with an error
// naming the file (and the ARPA line at fault), exit code 4, and leaves nothing behind in the output folder.
TEST(HostileInput, BrokenLanguageModelsAreRefusedClearly) {
  test::TempDir dir;
  const auto made = test::run_command("/usr/bin/python3", {test::source_path("scripts/make_hostile_corpus.py"), dir.file("corpus"),
                                                           "--lm", test::fixture("lm/tiny.arpa"), test::fixture("lm/tiny.w2lm")});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const std::string out_dir = dir.file("out");
  std::filesystem::create_directories(out_dir);
  const auto good = test::run_w2v2({"lm-compile", test::fixture("lm/tiny.arpa"), "-o", out_dir + "/good.w2lm", "-q"});
  ASSERT_EQ(good.exit_code, 0) << good.err;
  const auto again = test::run_w2v2({"lm-compile", out_dir + "/good.w2lm", "-o", out_dir + "/again.w2lm", "-q"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(test::read_text(out_dir + "/again.w2lm"), test::read_text(out_dir + "/good.w2lm"));
  std::filesystem::remove(out_dir + "/good.w2lm");
  std::filesystem::remove(out_dir + "/again.w2lm");

  std::ifstream cases(dir.file("hostile-lms/cases.txt"));
  size_t count = 0;
  for (std::string line; std::getline(cases, line);) {
    const auto tab = line.find('\t');
    const std::string name = line.substr(0, tab);
    const std::string at_line = line.substr(tab + 1);
    const std::string path = dir.file("hostile-lms/" + name);
    const auto r = test::run_w2v2({"lm-compile", path, "-o", out_dir + "/out.w2lm", "-q"});
    ++count;
    EXPECT_EQ(r.exit_code, 4) << name << ": " << r.err;
    const std::string where = at_line == "-" ? path + ": " : path + ":" + at_line + ": ";
    EXPECT_NE(r.err.find(where), std::string::npos) << name << ": the error names " << where << ": " << r.err;
    EXPECT_TRUE(r.out.empty()) << name;
    EXPECT_TRUE(std::filesystem::is_empty(out_dir)) << name << ": an output or temporary file was left behind";
  }
  EXPECT_GE(count, 30u);
}

}  // namespace
}  // namespace w2v2
