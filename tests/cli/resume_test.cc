// Nothing lost: a run killed with SIGKILL and resumed gives exactly the outputs of an uninterrupted run;
// records already in the journal are reused, a torn last record is redone.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "output/journal_writer.h"
#include "support/test_support.h"

namespace w2v2 {
namespace {

namespace fs = std::filesystem;
using test::run_w2v2;

size_t count_lines(const std::string& path) {
  std::ifstream in(path);
  size_t n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

TEST(Resume, ReusesJournaledRecordsAndRedoesATornOne) {
  test::TempDir dir;
  const std::string model = test::fixture("models/tiny-layer-st");
  const std::string out = dir.file("out.jsonl");
  const auto full = run_w2v2({"transcribe", test::fixture("audio"), "--model", model, "-f", "jsonl", "-o", out, "-q"});
  ASSERT_EQ(full.exit_code, 0) << full.err;
  EXPECT_FALSE(fs::exists(out + ".journal")) << "the journal is removed once the outputs are complete";
  std::istringstream lines(test::read_text(out));
  std::string first, second;
  std::getline(lines, first);
  std::getline(lines, second);
  // An interrupted run's journal: sig_a done (its text marked, to see that it is reused), sig_b torn.
  auto marked = nlohmann::json::parse(first);
  marked["text"] = "FROM THE JOURNAL";
  test::write_text(out + ".journal", std::string(JournalWriter::kHeader) + "\n" + marked.dump() + "\n" +
                                        second.substr(0, second.size() / 2));
  const auto refused = run_w2v2({"transcribe", test::fixture("audio"), "--model", model, "-f", "jsonl", "-o", out});
  EXPECT_EQ(refused.exit_code, 3) << "an existing journal without --resume is refused";
  EXPECT_NE(refused.err.find("--resume"), std::string::npos) << refused.err;
  const auto resumed = run_w2v2(
      {"transcribe", test::fixture("audio"), "--model", model, "-f", "jsonl", "-o", out, "--resume"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("1 of 3 inputs already done"), std::string::npos) << resumed.err;
  // The real-time factor counts only what this run transcribed, not the audio restored from the journal.
  std::smatch audio;
  ASSERT_TRUE(std::regex_search(resumed.err, audio, std::regex(R"(audio ([0-9.]+) s \(([0-9.]+) s transcribed)")))
      << resumed.err;
  EXPECT_NEAR(std::stod(audio[1]) - std::stod(audio[2]), marked["duration"].get<double>(), 0.051);
  std::istringstream again(test::read_text(out));
  std::string line;
  std::getline(again, line);
  EXPECT_EQ(nlohmann::json::parse(line)["text"], "FROM THE JOURNAL");
  std::getline(again, line);
  EXPECT_EQ(line, second);  // redone
  EXPECT_FALSE(fs::exists(out + ".journal"));
}

TEST(Resume, KillNineThenResumeEqualsAnUninterruptedRun) {
  const std::string model = test::source_path("models/default");
  if (!fs::exists(model + "/model.safetensors")) GTEST_SKIP() << "models/default is not in this checkout";
  test::TempDir dir;
  const fs::path corpus = dir.path() / "corpus";
  fs::create_directories(corpus);
  for (int i = 0; i < 150; ++i) {
    fs::copy_file(test::source_path("data/samples/speech-16k.wav"), corpus / ("utt" + std::to_string(1000 + i) + ".wav"));
  }
  const std::string reference = dir.file("reference.jsonl");
  ASSERT_EQ(run_w2v2({"transcribe", corpus.string(), "--model", model, "-f", "jsonl", "-o", reference, "-q",
                      "--threads", "1"})
                .exit_code,
            0);

  const std::string out = dir.file("out.jsonl");
  const std::string journal = out + ".journal";
  std::ostringstream command;
  command << "'" << W2V2_BINARY << "' transcribe '" << corpus.string() << "' --model '" << model
          << "' -f jsonl -o '" << out << "' -q --threads 1 >/dev/null 2>&1 & echo $! > '" << dir.file("pid") << "'";
  ASSERT_EQ(std::system(command.str().c_str()), 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (count_lines(journal) < 20 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const std::string pid = test::read_text(dir.file("pid"));
  ASSERT_EQ(std::system(("kill -9 " + pid + " 2>/dev/null; sleep 0.2").c_str()), 0);
  ASSERT_TRUE(fs::exists(journal)) << "the run finished before it could be killed";
  const size_t journaled = count_lines(journal);
  EXPECT_LT(journaled, 150u) << "killed too late to test anything";
  EXPECT_FALSE(fs::exists(out)) << "no final output from a killed run";

  const auto resumed = run_w2v2({"transcribe", corpus.string(), "--model", model, "-f", "jsonl", "-o", out,
                                 "--resume", "--threads", "1"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("inputs already done"), std::string::npos) << resumed.err;
  EXPECT_EQ(test::read_text(out), test::read_text(reference)) << "resumed after " << journaled << " records";
  EXPECT_FALSE(fs::exists(journal));
}

}  // namespace
}  // namespace w2v2
