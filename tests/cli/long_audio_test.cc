// End-to-end runs on long files whose length the header does not state exactly (MP3, a FLAC written to a
// pipe): they are counted, then streamed chunk by chunk like WAV/FLAC, with and without the pipeline.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sndfile.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/test_support.h"

namespace w2v2 {
namespace {

namespace fs = std::filesystem;

bool have_sox() { return test::run_command("sh", {"-c", "command -v sox"}).exit_code == 0; }

// `sox INPUT -t flac - EFFECTS | cat > path`: an encoder writing to a pipe cannot go back to fill in the
// length. `input` ends with the output's format options.
void sox_to_lengthless_flac(const std::string& input, const std::string& effects, const std::string& path) {
  const auto r = test::run_command("sh", {"-c", "sox " + input + " -t flac - " + effects + " | cat > \"$0\"", path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

// A JSONL record without the fields that name the input or its format (the same audio sits in different files).
nlohmann::json without_path(const std::string& line) {
  auto record = nlohmann::json::parse(line);
  for (const char* key : {"id", "path", "container", "codec"}) record.erase(key);
  return record;
}

test::CommandResult transcribe(const std::vector<std::string>& extra, const std::string& input) {
  std::vector<std::string> args = {"transcribe", input, "--model", test::fixture("models/tiny-group-st"),
                                   "--chunk-seconds", "5", "--stride-seconds", "1"};
  args.insert(args.end(), extra.begin(), extra.end());
  return test::run_w2v2(args);
}

TEST(LongAudio, LengthlessFlacAndMp3GiveTheWavsTranscriptsWithAndWithoutThePipeline) {
  if (!have_sox()) GTEST_SKIP() << "sox is not installed";
  test::TempDir dir;
  std::vector<float> stereo;  // 24 s of tones changing every 2 s, at 48 kHz
  for (int i = 0; i < 12; ++i) {
    const auto tone = test::sine(150.0 + 40.0 * i, 48000, 96000, 0.4);
    for (float x : tone) stereo.insert(stereo.end(), {x, 0.5f * x});
  }
  fs::create_directories(dir.path() / "wav");
  fs::create_directories(dir.path() / "flac");
  fs::create_directories(dir.path() / "mp3");
  const std::string wav = dir.file("wav/x.wav");
  test::write_audio(wav, stereo, 48000, 2, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
  const std::string flac = dir.file("flac/x.flac");  // the same 16-bit samples, no length in its header
  sox_to_lengthless_flac("'" + wav + "'", "", flac);
  const std::string mp3 = dir.file("mp3/x.mp3");
  test::write_audio(mp3, stereo, 48000, 2, SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III);

  std::string reference;
  for (const std::string& input : {wav, flac}) {
    for (const char* pipeline : {"on", "off"}) {
      const auto r = transcribe({"--pipeline", pipeline, "-f", "jsonl"}, input);
      ASSERT_EQ(r.exit_code, 0) << r.err;
      auto record = without_path(r.out);
      EXPECT_EQ(record["status"], "ok") << r.out;
      if (reference.empty()) reference = record.dump();
      EXPECT_EQ(record.dump(), reference) << input << " --pipeline " << pipeline;
    }
  }
  std::string outputs[2];
  int k = 0;
  for (const char* pipeline : {"on", "off"}) {
    const auto r = transcribe({"--pipeline", pipeline, "-f", "jsonl"}, mp3);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    outputs[k++] = r.out;
  }
  EXPECT_EQ(outputs[0], outputs[1]);
  EXPECT_NEAR(nlohmann::json::parse(outputs[0])["duration"].get<double>(), 24.0, 0.01);
}

struct Measured {
  int exit_code = -1;
  long peak_rss_kb = 0;  // the child's own peak resident set (wait4)
  std::string out;
  std::string err;
};

// Runs `argv` (argv[0] a path) with stdin from /dev/null and its output to files in `dir`.
Measured run_measured(const std::vector<std::string>& argv, const test::TempDir& dir) {
  const std::string out_path = dir.file("measured.out");
  const std::string err_path = dir.file("measured.err");
  const pid_t pid = fork();
  if (pid == 0) {
    const int in = open("/dev/null", O_RDONLY);
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || err < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) _exit(126);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  Measured m;
  if (pid < 0) return m;
  int status = 0;
  struct rusage usage {};
  if (wait4(pid, &status, 0, &usage) != pid) return m;
  m.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  m.peak_rss_kb = usage.ru_maxrss;
  m.out = test::read_text(out_path);
  m.err = test::read_text(err_path);
  return m;
}

TEST(LongAudio, ALongLengthless768kHzFlacStreamsInTheMemoryOfA16kHzWav) {
  // Read whole, 3 minutes at 768 kHz are 0.55 GB of floats (and more while the vector grows); streamed,
  // the run needs about what the same 3 minutes as a 16 kHz WAV need.
  if (!have_sox()) GTEST_SKIP() << "sox is not installed";
  test::TempDir dir;
  // A 2 s tone every 30 s, without dither, so that the silence compresses: 2.4 MB of FLAC.
  const std::string synth = "-D -R -n -r 768000 -c 1 -b 16";
  const std::string tones = " synth 2 sine 300 vol 0.3 pad 0 28 repeat 5";
  fs::create_directories(dir.path() / "open");
  fs::create_directories(dir.path() / "exact");
  const std::string open_flac = dir.file("open/x.flac");
  sox_to_lengthless_flac(synth, tones, open_flac);
  const std::string exact_flac = dir.file("exact/x.flac");  // the same, its length stated
  const auto made = test::run_command("sh", {"-c", "sox " + synth + " \"$0\"" + tones, exact_flac});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const std::string wav = dir.file("x16k.wav");
  const auto wav_made = test::run_command("sh", {"-c", "sox \"$0\" -r 16000 \"$1\"", exact_flac, wav});
  ASSERT_EQ(wav_made.exit_code, 0) << wav_made.err;

  auto run = [&](const std::string& input, const char* pipeline) {
    return run_measured({W2V2_BINARY, "transcribe", input, "--model", test::fixture("models/tiny-group-st"),
                         "--pipeline", pipeline, "-f", "jsonl"},
                        dir);
  };
  std::string reference;
  for (const char* pipeline : {"on", "off"}) {
    const Measured base = run(wav, pipeline);
    ASSERT_EQ(base.exit_code, 0) << base.err;
    for (const std::string& input : {exact_flac, open_flac}) {
      const Measured r = run(input, pipeline);
      ASSERT_EQ(r.exit_code, 0) << input << " --pipeline " << pipeline << ": " << r.err;
      const auto record = without_path(r.out);
      EXPECT_EQ(record["status"], "ok") << r.out;
      EXPECT_DOUBLE_EQ(record["duration"].get<double>(), 180.0) << input;
      if (reference.empty()) reference = record.dump();
      EXPECT_EQ(record.dump(), reference) << input << " --pipeline " << pipeline;
      if (test::kAddressSanitizer) continue;  // AddressSanitizer keeps freed blocks resident (its quarantine): RSS says little
      EXPECT_LT(r.peak_rss_kb, base.peak_rss_kb * 6 / 5 + 50 * 1024)
          << input << " --pipeline " << pipeline << ": peak RSS " << r.peak_rss_kb << " kB against "
          << base.peak_rss_kb << " kB for the 16 kHz WAV";
    }
  }
}

TEST(LongAudio, ALengthlessFileOverTheLimitFailsAloneNamingTheLimit) {
  if (!have_sox()) GTEST_SKIP() << "sox is not installed";
  test::TempDir dir;
  // Past 4 hours (the per-file limit) and no length in the header: counted block by block, keeping no
  // samples, up to the limit; then that file fails, naming it and the limit, and the next one is transcribed.
  fs::create_directories(dir.path() / "in");
  sox_to_lengthless_flac("-D -R -n -r 8000 -c 1 -b 16", "synth 14500 sine 300 vol 0", dir.file("in/a-long.flac"));
  test::write_audio(dir.file("in/b-short.wav"), test::sine(300.0, 16000, 16000), 16000, 1,
                    SF_FORMAT_WAV | SF_FORMAT_PCM_16);
  const auto r = test::run_w2v2({"transcribe", dir.file("in"), "--model", test::fixture("models/tiny-group-st"),
                                 "-f", "jsonl", "--max-failures", "1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("limit of 14400 s"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("a-long.flac"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"status\":\"ok\""), std::string::npos) << r.out;
}

}  // namespace
}  // namespace w2v2
