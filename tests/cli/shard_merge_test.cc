// N shard processes merged equal one process, byte for byte; a missing part is named.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "output/jsonl_writer.h"
#include "output/plain_text_writer.h"
#include "support/test_support.h"

namespace w2v2 {
namespace {

namespace fs = std::filesystem;
using test::run_w2v2;

TEST(ShardMerge, ThreeShardsMergedEqualOneProcess) {
  test::TempDir dir;
  const std::string model = test::fixture("models/tiny-group-st");
  const fs::path corpus = dir.path() / "corpus";
  fs::create_directories(corpus / "sub");
  int n = 0;
  for (const char* name : {"sig_a.wav", "sig_b.wav", "sig_c.wav"}) {
    for (int k = 0; k < 4; ++k) {
      fs::copy_file(test::fixture(std::string("audio/") + name),
                    corpus / (k % 2 ? "sub" : "") / ("f" + std::to_string(n++) + " ü.wav"));
    }
  }
  for (const char* format : {"txt", "jsonl"}) {
    const std::string ext = format;
    const std::string whole = dir.file("whole." + ext);
    const auto run = run_w2v2({"transcribe", corpus.string(), "--model", model, "-f", format, "-o", whole, "-q"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    std::vector<std::string> parts;
    for (int shard = 0; shard < 3; ++shard) {
      const auto r = run_w2v2({"transcribe", corpus.string(), "--model", model, "-f", format, "-o",
                               dir.file("part.{shard}." + ext), "--shard", std::to_string(shard) + "/3", "-q"});
      ASSERT_EQ(r.exit_code, 0) << r.err;
      parts.push_back(dir.file("part." + std::to_string(shard) + "." + ext));
      ASSERT_TRUE(fs::exists(parts.back()));
      EXPECT_LT(test::read_text(parts.back()).size(), test::read_text(whole).size());
    }
    std::vector<std::string> args{"merge", corpus.string(), "-o", dir.file("merged." + ext), "--parts"};
    args.insert(args.end(), parts.begin(), parts.end());
    const auto merged = run_w2v2(args);
    ASSERT_EQ(merged.exit_code, 0) << merged.err;
    EXPECT_EQ(test::read_text(dir.file("merged." + ext)), test::read_text(whole)) << format;

    const auto missing = run_w2v2({"merge", corpus.string(), "-o", dir.file("bad." + ext), "--parts", parts[0], parts[2]});
    EXPECT_EQ(missing.exit_code, 5);
    EXPECT_NE(missing.err.find("inputs are in no part"), std::string::npos) << missing.err;
    // jsonl parts hold every input they ran, so a missing one means a missing part: nothing is written. txt
    // parts leave failures out, so the inputs found are merged (and the missing named).
    EXPECT_EQ(fs::exists(dir.file("bad." + ext)), ext == "txt") << format;
  }
}

TEST(ShardMerge, FailedInputsAndTwoFoldersWithTheSameFileNames) {
  // d1/x.wav and d2/x.wav (one of them broken): their ids must differ, and a txt merge must not refuse the
  // run because the broken input is in no part.
  test::TempDir dir;
  const std::string model = test::fixture("models/tiny-group-st");
  fs::create_directories(dir.path() / "d1");
  fs::create_directories(dir.path() / "d2");
  fs::copy_file(test::fixture("audio/sig_a.wav"), dir.path() / "d1" / "x.wav");
  fs::copy_file(test::fixture("audio/sig_b.wav"), dir.path() / "d1" / "y.wav");
  fs::copy_file(test::fixture("audio/sig_c.wav"), dir.path() / "d2" / "y.wav");
  test::write_text(dir.file("d2/x.wav"), "RIFF not audio");
  const std::vector<std::string> inputs{dir.file("d1"), dir.file("d2")};
  for (const char* format : {"txt", "jsonl"}) {
    const std::string ext = format;
    std::vector<std::string> args{"transcribe", inputs[0], inputs[1], "--model", model, "-f", format, "-o",
                                  dir.file("whole." + ext), "-q"};
    ASSERT_EQ(run_w2v2(args).exit_code, 5);
    std::vector<std::string> parts;
    for (int shard = 0; shard < 2; ++shard) {
      args = {"transcribe", inputs[0], inputs[1], "--model", model, "-f", format, "-o",
              dir.file("part.{shard}." + ext), "--shard", std::to_string(shard) + "/2", "-q"};
      run_w2v2(args);
      parts.push_back(dir.file("part." + std::to_string(shard) + "." + ext));
    }
    args = {"merge", inputs[0], inputs[1], "-o", dir.file("merged." + ext), "--parts", parts[0], parts[1]};
    const auto merged = run_w2v2(args);
    EXPECT_EQ(merged.exit_code, ext == "txt" ? 5 : 0) << merged.err;  // txt: the broken input is in no part
    EXPECT_EQ(merged.err.find("appear more than once"), std::string::npos) << merged.err;
    EXPECT_EQ(test::read_text(dir.file("merged." + ext)), test::read_text(dir.file("whole." + ext))) << format;
  }
  const std::string whole = test::read_text(dir.file("whole.txt"));
  EXPECT_NE(whole.find(dir.file("d1") + "/y.wav\t"), std::string::npos) << whole;
  EXPECT_NE(whole.find(dir.file("d2") + "/y.wav\t"), std::string::npos) << whole;
}

// Names that break lines (TAB, LF, CR, a backslash) or are not UTF-8 (Latin-1 0xE8 and 0xE9, which JSON
// alone would both turn into U+FFFD): every output keeps them apart and `merge` matches each to its input.
const std::vector<std::pair<std::string, std::string>> kOddNames = {  // (name, fixture it is a copy of)
    {"tab\there.wav", "sig_a.wav"}, {"new\nline\rcr.wav", "sig_b.wav"}, {"back\\tslash.wav", "sig_c.wav"},
    {"caf\xe9.wav", "sig_a.wav"},   {"caf\xe8.wav", "sig_b.wav"},         {"plain_a.wav", "sig_a.wav"},
    {"plain_b.wav", "sig_b.wav"},   {"plain_c.wav", "sig_c.wav"}};

// id -> text of a txt or jsonl output, read the way `merge` reads it; fails on a repeated id.
std::map<std::string, std::string> read_output(const std::string& path, const std::string& format) {
  std::map<std::string, std::string> texts;
  std::istringstream lines(test::read_text(path));
  for (std::string line; std::getline(lines, line);) {
    auto result = format == "txt" ? PlainTextWriter::parse(line) : JsonlWriter::parse(line);
    EXPECT_TRUE(result.has_value()) << line;
    if (result) EXPECT_TRUE(texts.emplace(result->id, result->text).second) << "twice: " << result->id;
  }
  return texts;
}

TEST(ShardMerge, NamesWithTabsNewlinesAndLatin1BytesMergeBackExactly) {
  test::TempDir dir;
  const std::string model = test::fixture("models/tiny-group-st");
  const fs::path corpus = dir.path() / "corpus";
  fs::create_directories(corpus);
  for (const auto& [name, source] : kOddNames) fs::copy_file(test::fixture("audio/" + source), corpus / name);
  for (const std::string format : {"txt", "jsonl"}) {
    const std::string whole = dir.file("whole." + format);
    const auto run = run_w2v2({"transcribe", corpus.string(), "--model", model, "-f", format, "-o", whole, "-q"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const auto texts = read_output(whole, format);
    ASSERT_EQ(texts.size(), kOddNames.size()) << test::read_text(whole);
    for (const auto& [name, source] : kOddNames) {  // a copy of sig_a has sig_a's transcript, under its own name
      ASSERT_EQ(texts.count(name), 1u) << name;
      EXPECT_EQ(texts.at(name), texts.at("plain_" + source.substr(4, 1) + ".wav")) << name;
    }
    EXPECT_FALSE(texts.at("plain_a.wav").empty());
    std::vector<std::string> parts;
    for (int shard = 0; shard < 3; ++shard) {
      parts.push_back(dir.file("part." + std::to_string(shard) + "." + format));
      const auto r = run_w2v2({"transcribe", corpus.string(), "--model", model, "-f", format, "-o",
                               dir.file("part.{shard}." + format), "--shard", std::to_string(shard) + "/3", "-q"});
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    std::vector<std::string> args{"merge", corpus.string(), "-o", dir.file("merged." + format), "--parts"};
    args.insert(args.end(), parts.begin(), parts.end());
    const auto merged = run_w2v2(args);
    ASSERT_EQ(merged.exit_code, 0) << merged.err;
    EXPECT_EQ(test::read_text(dir.file("merged." + format)), test::read_text(whole)) << format;
    // Leaving part 1 out: exactly its inputs are missing, none is taken for another or unknown.
    const auto part1 = read_output(parts[1], format);
    ASSERT_FALSE(part1.empty()) << "8 names over 3 shards: part 1 should hold some";
    const auto missing = run_w2v2({"merge", corpus.string(), "-o", dir.file("bad." + format), "--parts", parts[0],
                                   parts[2]});
    EXPECT_EQ(missing.exit_code, 5);
    EXPECT_NE(missing.err.find(std::to_string(part1.size()) + " inputs are in no part"), std::string::npos)
        << missing.err;
    EXPECT_EQ(missing.err.find("not inputs"), std::string::npos) << missing.err;
    EXPECT_EQ(missing.err.find("more than once"), std::string::npos) << missing.err;
    if (format == "txt") {
      auto rest = read_output(dir.file("bad.txt"), format);
      for (const auto& entry : part1) rest.insert(entry);
      EXPECT_EQ(rest, texts) << "the inputs found are merged, the missing ones are part 1's";
    }
  }
}

}  // namespace
}  // namespace w2v2
