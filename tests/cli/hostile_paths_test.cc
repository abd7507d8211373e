// Hostile input, round 2 (issue 20): outputs that would replace devices, FIFOs or links; paths that collide
// with inputs or each other; special files inside corpus folders; two runs on one output; wrongly typed
// records; backtraces in records; bad numbers on the command line. Each case is made here, at test time;
// device stand-ins come from mknod in a temporary folder (no test writes to the real /dev/null or stdout).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "output/journal_writer.h"
#include "support/test_support.h"

namespace w2v2 {
namespace {

namespace fs = std::filesystem;
using test::run_w2v2;

std::string tiny_model() { return test::fixture("models/tiny-group-st"); }

bool make_char_device(const std::string& path, unsigned minor) {
  return ::mknod(path.c_str(), S_IFCHR | 0666, makedev(1, minor)) == 0;
}

std::string quote(const std::string& s) { return "'" + s + "'"; }

// A folder with the three fixture recordings.
std::string audio_folder(const test::TempDir& dir) {
  const fs::path in = dir.path() / "in";
  fs::create_directories(in);
  for (const char* name : {"sig_a.wav", "sig_b.wav", "sig_c.wav"}) fs::copy_file(test::fixture(std::string("audio/") + name), in / name);
  return in.string();
}

TEST(HostilePaths, OutputsIntoDevicesFifosAndLinksNeverReplaceThem) {
  test::TempDir dir;
  const std::string in = audio_folder(dir);
  const std::string null = dir.file("null");
  if (make_char_device(null, 3)) {
    for (const char* flag : {"-o", "--trace"}) {
      const auto r = run_w2v2({"transcribe", in, "--model", tiny_model(), flag, null, "-q"});
      EXPECT_EQ(r.exit_code, 0) << flag << r.err;
      struct stat st {};
      ASSERT_EQ(::stat(null.c_str(), &st), 0);
      EXPECT_TRUE(S_ISCHR(st.st_mode)) << flag << ": the device stand-in was replaced by a regular file";
    }
    const std::string manifest = dir.file("refs.jsonl");
    test::write_text(manifest, R"({"audio_filepath": "in/sig_a.wav", "text": "A B"})" "\n");
    const auto report = run_w2v2({"eval", manifest, "--model", tiny_model(), "--report", null, "--details", null, "-q"});
    EXPECT_EQ(report.exit_code, 0) << report.err;
    struct stat st {};
    ASSERT_EQ(::stat(null.c_str(), &st), 0);
    EXPECT_TRUE(S_ISCHR(st.st_mode)) << report.err;
  }
  // A FIFO gets the transcripts (a reader waits on it) and stays a FIFO.
  const std::string fifo = dir.file("pipe");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string captured = dir.file("captured.txt");
  ASSERT_EQ(std::system(("timeout 120 cat " + quote(fifo) + " > " + quote(captured) + " &").c_str()), 0);
  const auto r = run_w2v2({"transcribe", in, "--model", tiny_model(), "-o", fifo, "-q"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (int i = 0; i < 500 && test::read_text(captured).size() < 10; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_NE(test::read_text(captured).find("sig_a.wav\t"), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::lstat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  // A link to a descriptor (what /dev/stdout is) writes into that descriptor: appended to what the shell opened.
  const std::string link = dir.file("stdout-link");
  fs::create_symlink("/dev/fd/3", link);
  const std::string appended = dir.file("appended.txt");
  test::write_text(appended, "earlier line\n");
  const std::string command = quote(W2V2_BINARY) + " transcribe " + quote(in) + " --model " + quote(tiny_model()) +
                              " -o " + quote(link) + " -q 3>>" + quote(appended) + " </dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0);
  const std::string text = test::read_text(appended);
  EXPECT_EQ(text.rfind("earlier line\nsig_a.wav\t", 0), 0u) << text;
  EXPECT_TRUE(fs::is_symlink(link));
}

TEST(HostilePaths, CollidingPathsAreRefusedAndNothingIsDestroyed) {
  test::TempDir dir;
  const std::string in = audio_folder(dir);
  const std::string wav = in + "/sig_a.wav";
  const std::string wav_bytes = test::read_text(wav);
  const std::string out = dir.file("out.txt");
  test::write_text(out, "an earlier result\n");
  const std::string notes = dir.file("notes.txt");
  test::write_text(notes, "my notes\n");
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"-o", out, "--journal", out}, "the journal is deleted once the run completes"},
      {{"-o", dir.file("new.txt"), "--journal", notes, "--resume"}, "not a w2v2 journal"},
      {{"-o", dir.file("new.txt"), "--journal", wav, "--resume"}, "is the input"},
      {{"-o", wav}, "is the input"},
      {{"-f", "jsonl", "-o", dir.file("new.jsonl"), "--trace", wav}, "is the input"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args{"transcribe", in, "--model", tiny_model(), "-q"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const auto r = run_w2v2(args);
    EXPECT_EQ(r.exit_code, 3) << c.message << ": " << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
  }
  EXPECT_EQ(test::read_text(wav), wav_bytes) << "the input is intact";
  EXPECT_EQ(test::read_text(out), "an earlier result\n");
  EXPECT_EQ(test::read_text(notes), "my notes\n");
  EXPECT_FALSE(fs::exists(dir.file("new.txt")));
}

TEST(HostilePaths, SpecialFilesInCorpusFoldersAreRefusedNotReadOrWaitedOn) {
  test::TempDir dir;
  // LibriSpeech: a FIFO named *.trans.txt (would block forever).
  const fs::path libri = dir.path() / "libri" / "1" / "2";
  fs::create_directories(libri);
  fs::copy_file(test::fixture("audio/sig_a.wav"), libri / "1-2-0000.wav");
  ASSERT_EQ(::mkfifo((libri / "1-2.trans.txt").c_str(), 0600), 0);
  auto run_bounded = [](const std::vector<std::string>& args) {  // a regression blocks: fail, not hang
    std::vector<std::string> all{"60", W2V2_BINARY};
    all.insert(all.end(), args.begin(), args.end());
    return test::run_command("timeout", all);
  };
  auto r = run_bounded({"transcribe", (dir.path() / "libri").string(), "--model", tiny_model(), "-q"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("1-2.trans.txt: is a FIFO"), std::string::npos) << r.err;
  // Kaldi: `text` a FIFO; utt2spk a link to a /dev/zero stand-in (would read without end).
  const fs::path kaldi = dir.path() / "kaldi";
  fs::create_directories(kaldi);
  test::write_text((kaldi / "wav.scp").string(), "u1 " + test::fixture("audio/sig_a.wav") + "\n");
  ASSERT_EQ(::mkfifo((kaldi / "text").c_str(), 0600), 0);
  r = run_bounded({"transcribe", kaldi.string(), "--model", tiny_model(), "-q"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("text: is a FIFO"), std::string::npos) << r.err;
  const std::string zero = dir.file("zero");
  if (make_char_device(zero, 5)) {
    fs::remove(kaldi / "text");
    fs::create_symlink(zero, kaldi / "utt2spk");
    r = run_bounded({"transcribe", kaldi.string(), "--model", tiny_model(), "-q"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("utt2spk: is a device"), std::string::npos) << r.err;
    test::write_text(dir.file("hyp.txt"), "u1 A\n");
    r = run_bounded({"score", "--ref", zero, "--hyp", dir.file("hyp.txt")});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("is a device"), std::string::npos) << r.err;
    r = run_bounded({"merge", kaldi.string(), "--parts", zero});
    EXPECT_EQ(r.exit_code, 2) << r.err;
  }
}

TEST(HostilePaths, ASpecialTokensFileIsBoundedLikeEveryConfig) {
  test::TempDir dir;
  const std::string in = audio_folder(dir);
  const fs::path model = dir.path() / "model";
  fs::copy(tiny_model(), model);
  const fs::path special = model / "special_tokens_map.json";
  test::write_text(special.string(), std::string(100000, '[') + std::string(100000, ']'));
  const auto r = run_w2v2({"transcribe", in, "--model", model.string(), "-q"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("special_tokens_map.json: JSON nested deeper than 64"), std::string::npos) << r.err;
}

TEST(HostilePaths, WronglyTypedRecordsNameTheirFileAndLine) {
  test::TempDir dir;
  const std::string in = audio_folder(dir);
  const std::string part = dir.file("part.jsonl");
  ASSERT_EQ(run_w2v2({"transcribe", in, "--model", tiny_model(), "-f", "jsonl", "-o", part, "-q"}).exit_code, 0);
  std::istringstream lines(test::read_text(part));
  std::string first, second;
  std::getline(lines, first);
  std::getline(lines, second);
  for (const auto& [field, value] : std::vector<std::pair<std::string, nlohmann::json>>{{"id", 5}, {"duration", "x"}}) {
    auto bad = nlohmann::json::parse(second);
    bad[field] = value;
    test::write_text(part, first + "\n" + bad.dump() + "\n");
    const auto r = run_w2v2({"merge", in, "--parts", part});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("part.jsonl:2: not a w2v2 JSONL record (field \"" + field + "\""), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("internal error"), std::string::npos) << r.err;
  }
  // In a journal, a wrongly typed record is damage: cut off and redone on --resume.
  const std::string out = dir.file("out.jsonl");
  auto bad = nlohmann::json::parse(second);
  bad["id"] = 5;
  test::write_text(out + ".journal", std::string(JournalWriter::kHeader) + "\n" + first + "\n" + bad.dump() + "\n");
  const auto resumed = run_w2v2({"transcribe", in, "--model", tiny_model(), "-f", "jsonl", "-o", out, "--resume"});
  EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("1 of 3 inputs already done"), std::string::npos) << resumed.err;
  const std::string merged = test::read_text(out);
  EXPECT_EQ(std::count(merged.begin(), merged.end(), '\n'), 3);
  EXPECT_NE(merged.find(first + "\n"), std::string::npos) << "the good record was kept";
}

TEST(HostilePaths, TwoRunsOnOneOutputDoNotTearIt) {
  const std::string model = test::source_path("models/default");
  if (!fs::exists(model + "/model.safetensors")) GTEST_SKIP() << "models/default is not in this checkout";
  test::TempDir dir;
  const fs::path corpus = dir.path() / "corpus";
  fs::create_directories(corpus);
  // Enough files that the first run is still going when the second starts: 60 took ~2.5 s on a fast CPU, about
  // what the second run needs to start and load.
  constexpr int kFiles = 240;
  for (int i = 0; i < kFiles; ++i) {
    fs::copy_file(test::source_path("data/samples/speech-16k.wav"), corpus / ("utt" + std::to_string(1000 + i) + ".wav"));
  }
  const std::string out = dir.file("out.jsonl");
  const std::string journal = out + ".journal";
  const std::string first = quote(W2V2_BINARY) + " transcribe " + quote(corpus.string()) + " --model " + quote(model) +
                            " -f jsonl -o " + quote(out) + " --resume -q --threads 1 >/dev/null 2>" +
                            quote(dir.file("first.err")) + "; echo $? > " + quote(dir.file("first.rc"));
  ASSERT_EQ(std::system(("(" + first + ") &").c_str()), 0);
  auto lines_of = [](const std::string& path) {
    const std::string text = test::read_text(path);
    return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (lines_of(journal) < 3 && !fs::exists(dir.file("first.rc")) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_FALSE(fs::exists(dir.file("first.rc"))) << "the first run ended before the second started";
  const auto second = run_w2v2({"transcribe", corpus.string(), "--model", model, "-f", "jsonl", "-o", out, "--resume",
                                "-q", "--threads", "1"});
  EXPECT_EQ(second.exit_code, 3) << second.err;
  EXPECT_NE(second.err.find("another w2v2 run is using this journal"), std::string::npos) << second.err;
  while (!fs::exists(dir.file("first.rc")) && std::chrono::steady_clock::now() < deadline + std::chrono::seconds(180)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(test::read_text(dir.file("first.rc")), "0\n") << test::read_text(dir.file("first.err"));
  EXPECT_EQ(lines_of(out), static_cast<size_t>(kFiles)) << "the first run's output is whole";
  std::istringstream records(test::read_text(out));
  for (std::string line; std::getline(records, line);) EXPECT_EQ(nlohmann::json::parse(line)["status"], "ok");
  EXPECT_FALSE(fs::exists(journal));
}

TEST(HostilePaths, BadNumbersAndNulCharactersAreUsageErrors) {
  test::TempDir dir;
  const std::string in = audio_folder(dir);
  auto r = run_w2v2({"transcribe", in, "--model", tiny_model(), "--max-failures", "-1"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  r = run_w2v2({"transcribe", in, "--model", tiny_model(), "--threads", "64"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("--threads 64 is more than the"), std::string::npos) << r.err;
  // A manifest path with an escaped NUL would be cut short and put a NUL into ids.
  const std::string manifest = dir.file("m.jsonl");
  test::write_text(manifest, R"({"audio_filepath": "in/sig_a.wav\u0000.txt"})" "\n");
  r = run_w2v2({"transcribe", manifest, "--model", tiny_model()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("m.jsonl:1: \"audio_filepath\" holds a NUL character"), std::string::npos) << r.err;
  // A manifest line nested 100,000 deep is refused by name, not by a crash.
  test::write_text(manifest, std::string(100000, '[') + std::string(100000, ']') + "\n");
  r = run_w2v2({"transcribe", manifest, "--model", tiny_model()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("m.jsonl:1: JSON nested deeper than"), std::string::npos) << r.err;
  // bench refuses to fill the disk with synthetic audio.
  const std::string audio = dir.file("bench-audio");
  r = run_w2v2({"bench", "--model", tiny_model(), "--count", "10000000", "--durations", "3600", "--audio-dir", audio});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("MiB are free"), std::string::npos) << r.err;
  EXPECT_TRUE(!fs::exists(audio) || fs::is_empty(audio));
}

}  // namespace
}  // namespace w2v2
