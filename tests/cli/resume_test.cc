// Nothing lost: a run killed with SIGKILL and resumed gives exactly the outputs of an uninterrupted run;
// records already in the journal are reused, a torn last record is redone.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "output/journal_writer.h"
#include "output/jsonl_writer.h"
#include "output/plain_text_writer.h"
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

TEST(Resume, MatchesJournalRecordsOfNamesWithTabsNewlinesAndLatin1Bytes) {
  // Latin-1 names (0xE8, 0xE9: both U+FFFD in plain JSON) and names with a TAB or a newline: an interrupted
  // run's journal records must be matched to exactly their inputs, none redone, lost or doubled.
  test::TempDir dir;
  const std::string model = test::fixture("models/tiny-layer-st");
  const fs::path corpus = dir.path() / "corpus";
  fs::create_directories(corpus);
  const std::vector<std::pair<std::string, std::string>> names = {
      {"caf\xe9.wav", "sig_a.wav"}, {"caf\xe8.wav", "sig_b.wav"}, {"tab\there.wav", "sig_c.wav"},
      {"new\nline.wav", "sig_a.wav"}, {"plain.wav", "sig_b.wav"}};
  for (const auto& [name, source] : names) fs::copy_file(test::fixture("audio/" + source), corpus / name);
  const std::string reference = dir.file("reference.jsonl");
  ASSERT_EQ(run_w2v2({"transcribe", corpus.string(), "--model", model, "-f", "jsonl", "-o", reference, "-q"}).exit_code,
            0);
  std::vector<std::string> records;
  std::istringstream lines(test::read_text(reference));
  for (std::string line; std::getline(lines, line);) records.push_back(line);
  ASSERT_EQ(records.size(), names.size());
  for (const std::string format : {"jsonl", "txt"}) {
    const std::string whole = dir.file("whole." + format);
    const auto run = run_w2v2({"transcribe", corpus.string(), "--model", model, "-f", format, "-o", whole, "-q"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    // Killed after four records: the journal holds them, each text marked to see that it is reused.
    const std::string out = dir.file("out." + format);
    std::string journal = std::string(JournalWriter::kHeader) + "\n";
    std::map<std::string, std::string> marked;  // id -> text from the journal
    for (size_t i = 0; i + 1 < records.size(); ++i) {
      auto record = nlohmann::json::parse(records[i]);
      record["text"] = "JOURNAL " + std::to_string(i);
      journal += record.dump() + "\n";
      marked[JsonlWriter::parse(records[i])->id] = record["text"];
    }
    test::write_text(out + ".journal", journal);
    const auto resumed =
        run_w2v2({"transcribe", corpus.string(), "--model", model, "-f", format, "-o", out, "--resume"});
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    EXPECT_NE(resumed.err.find("4 of 5 inputs already done"), std::string::npos) << resumed.err;
    // The output is the uninterrupted one with the journal's texts in place of the four journaled inputs.
    std::istringstream expected_lines(test::read_text(whole)), got_lines(test::read_text(out));
    std::set<std::string> seen;
    for (std::string expected, got; std::getline(expected_lines, expected);) {
      ASSERT_TRUE(std::getline(got_lines, got)) << "an input is missing";
      auto want = format == "txt" ? PlainTextWriter::parse(expected) : JsonlWriter::parse(expected);
      const auto have = format == "txt" ? PlainTextWriter::parse(got) : JsonlWriter::parse(got);
      ASSERT_TRUE(want && have) << got;
      if (marked.count(want->id)) want->text = marked[want->id];
      EXPECT_EQ(have->id, want->id);
      EXPECT_EQ(have->text, want->text) << want->id;
      EXPECT_TRUE(seen.insert(have->id).second) << "twice: " << have->id;
    }
    std::string extra;
    EXPECT_FALSE(std::getline(got_lines, extra)) << "an input is written twice: " << extra;
    EXPECT_EQ(seen.size(), names.size());
    EXPECT_FALSE(fs::exists(out + ".journal"));
  }
}

}  // namespace
}  // namespace w2v2
