#include "audio/audio_file_reader.h"
#include "audio/audio_source.h"
#include "audio/audio_stream_reader.h"
#include "audio/resampling_stream.h"

#include <gtest/gtest.h>
#include <sndfile.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "common/error.h"
#include "pipeline/audio_chunker.h"
#include "support/test_support.h"

namespace w2v2 {
namespace {

using test::TempDir;

// Dominant frequency by counting upward zero crossings of a clean sine.
double estimate_frequency(const std::vector<float>& x, int sample_rate) {
  int crossings = 0;
  for (size_t i = 1; i < x.size(); ++i) crossings += (x[i - 1] < 0 && x[i] >= 0);
  return crossings * static_cast<double>(sample_rate) / x.size();
}

// Noise-like interleaved samples (a fixed LCG), so that every sample matters in comparisons.
std::vector<float> noise(int64_t frames, int channels, uint32_t seed = 7) {
  std::vector<float> out(static_cast<size_t>(frames) * channels);
  uint32_t state = seed;
  for (auto& x : out) x = static_cast<float>(static_cast<int32_t>(state = state * 1664525u + 1013904223u)) / 8.6e9f;
  return out;
}

// A FLAC that does not state its length, as an encoder writing to a pipe leaves it: total_samples = 0.
void write_lengthless_flac(const std::string& path, const std::vector<float>& interleaved, int rate, int channels) {
  test::write_audio(path, interleaved, rate, channels, SF_FORMAT_FLAC | SF_FORMAT_PCM_16);
  std::string bytes = test::read_text(path);  // binary-safe
  ASSERT_EQ(bytes.compare(0, 4, "fLaC"), 0);
  ASSERT_EQ(bytes[4] & 0x7F, 0);  // the first metadata block is STREAMINFO
  bytes[21] = static_cast<char>(bytes[21] & 0xF0);  // 36-bit total_samples: low nibble of byte 21, bytes 22-25
  for (int i = 22; i <= 25; ++i) bytes[i] = 0;
  test::write_text(path, bytes);
}

TEST(AudioFileReader, WavAndFlacOfTheSameSignalReadIdentically) {
  TempDir dir;
  const auto signal = test::sine(440.0, 16000, 8000);
  test::write_audio(dir.file("a.wav"), signal, 16000, 1, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
  test::write_audio(dir.file("a.flac"), signal, 16000, 1, SF_FORMAT_FLAC | SF_FORMAT_PCM_16);
  const Waveform wav = read_audio_file(dir.file("a.wav"));
  const Waveform flac = read_audio_file(dir.file("a.flac"));
  ASSERT_EQ(wav.samples.size(), 8000u);
  EXPECT_EQ(wav.sample_rate_hz, 16000);
  EXPECT_EQ(wav.samples, flac.samples);
  EXPECT_NEAR(wav.samples[100], signal[100], 1.0 / 32768);
}

TEST(AudioFileReader, ReadsEveryWavSampleFormat) {
  TempDir dir;
  const auto signal = test::sine(300.0, 16000, 4000);
  for (int subtype : {SF_FORMAT_PCM_16, SF_FORMAT_PCM_24, SF_FORMAT_PCM_32, SF_FORMAT_FLOAT}) {
    const std::string path = dir.file("s" + std::to_string(subtype) + ".wav");
    test::write_audio(path, signal, 16000, 1, SF_FORMAT_WAV | subtype);
    const Waveform w = read_audio_file(path);
    ASSERT_EQ(w.samples.size(), signal.size()) << subtype;
    const double tolerance = subtype == SF_FORMAT_PCM_16 ? 1.0 / 32768 : 1e-6;
    for (size_t i = 0; i < signal.size(); i += 97) EXPECT_NEAR(w.samples[i], signal[i], tolerance) << subtype;
  }
}

TEST(AudioFileReader, OggVorbisDecodes) {
  TempDir dir;
  const auto signal = test::sine(500.0, 16000, 16000);
  test::write_audio(dir.file("a.ogg"), signal, 16000, 1, SF_FORMAT_OGG | SF_FORMAT_VORBIS);
  const Waveform w = read_audio_file(dir.file("a.ogg"));
  EXPECT_NEAR(static_cast<double>(w.samples.size()), 16000.0, 100.0);
  EXPECT_NEAR(estimate_frequency(w.samples, 16000), 500.0, 10.0);
}

TEST(AudioFileReader, StereoIsAveragedOrOneChannelPicked) {
  TempDir dir;
  std::vector<float> stereo;
  for (int i = 0; i < 1000; ++i) {
    stereo.push_back(0.5f);
    stereo.push_back(-0.25f);
  }
  test::write_audio(dir.file("st.wav"), stereo, 16000, 2, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
  const Waveform mixed = read_audio_file(dir.file("st.wav"));
  ASSERT_EQ(mixed.samples.size(), 1000u);
  EXPECT_FLOAT_EQ(mixed.samples[10], 0.125f);
  AudioReadOptions right;
  right.channel = 1;
  EXPECT_FLOAT_EQ(read_audio_file(dir.file("st.wav"), right).samples[10], -0.25f);
  AudioReadOptions missing;
  missing.channel = 2;
  EXPECT_THROW(read_audio_file(dir.file("st.wav"), missing), AudioReadError);
}

TEST(AudioFileReader, ResamplesAnyRateTo16kAndKeepsFrequency) {
  TempDir dir;
  for (int rate : {8000, 22050, 44100, 48000}) {
    const int n = rate * 2;  // 2 s
    const std::string path = dir.file("r" + std::to_string(rate) + ".wav");
    test::write_audio(path, test::sine(440.0, rate, n), rate, 1, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    const Waveform w = read_audio_file(path);
    EXPECT_EQ(w.sample_rate_hz, 16000);
    EXPECT_EQ(w.samples.size(), 32000u) << rate;
    EXPECT_NEAR(estimate_frequency(w.samples, 16000), 440.0, 2.0) << rate;
    // No filter delay: the resampled sine stays in phase with the original in the middle.
    const double expected = 0.5 * std::sin(2.0 * M_PI * 440.0 * 16000 / 16000.0);
    EXPECT_NEAR(w.samples[16000], expected, 0.02) << rate;
  }
}

TEST(AudioFileReader, ErrorsNameTheFileAndTheCause) {
  TempDir dir;
  const std::string empty = dir.file("empty.wav");
  test::write_text(empty, "");
  const std::string text = dir.file("notes.wav");
  test::write_text(text, "this is not audio at all, just some text pretending to be a wav file\n");
  for (const auto& [path, cause] : std::vector<std::pair<std::string, std::string>>{
           {empty, "empty file"}, {text, "cannot decode"}, {dir.file("missing.wav"), "not found"}}) {
    try {
      read_audio_file(path);
      ADD_FAILURE() << "no error for " << path;
    } catch (const AudioReadError& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(cause), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(read_audio_file(dir.path().string()), AudioReadError);  // a directory
}

// Reader threads open files side by side. libsndfile 1.2.0 closes the descriptor of a failed open itself
// (libsndfile #949), and keeps the reason of a failed open in one global: a second close of that number
// closed another thread's freshly opened file ("Bad file descriptor", "No 'data' chunk marker" on good
// files), and errors were reported with other threads' reasons ("No Error"). Four threads, good and bad
// files interleaved: every good read succeeds and every bad one fails with its own reason.
TEST(AudioFileReader, ConcurrentOpensOfGoodAndBadFilesDoNotDisturbEachOther) {
  test::TempDir dir;
  test::write_audio(dir.file("good.wav"), test::sine(300, 16000, 4000), 16000, 1, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
  test::write_text(dir.file("bad.wav"), "not audio at all, just text");
  std::atomic<int> good_failures{0}, wrong_reasons{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 150; ++i) {
        try {
          if (read_audio_file(dir.file("good.wav")).samples.size() != 4000) ++good_failures;
        } catch (const std::exception&) {
          ++good_failures;
        }
        try {
          read_audio_file(dir.file("bad.wav"));
          ++wrong_reasons;
        } catch (const AudioReadError& e) {
          const std::string what = e.what();
          if (what.find("bad.wav: cannot decode audio") == std::string::npos || what.find("No Error") != std::string::npos ||
              what.find("System error") != std::string::npos) {
            ++wrong_reasons;
          }
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(good_failures.load(), 0);
  EXPECT_EQ(wrong_reasons.load(), 0);
}

TEST(AudioFileReader, RejectsNonFiniteSamples) {
  TempDir dir;
  std::vector<float> x(1000, 0.1f);
  x[500] = std::numeric_limits<float>::quiet_NaN();
  test::write_audio(dir.file("nan.wav"), x, 16000, 1, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
  EXPECT_THROW(read_audio_file(dir.file("nan.wav")), AudioReadError);
}

TEST(AudioFileReader, RejectsAudioLongerThanTheLimit) {
  TempDir dir;
  test::write_audio(dir.file("long.wav"), test::sine(100, 16000, 48000), 16000, 1, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
  AudioReadOptions options;
  options.max_duration_seconds = 2.0;
  EXPECT_THROW(read_audio_file(dir.file("long.wav"), options), AudioReadError);
}

TEST(AudioFileReader, RealOddFormatsFromSharedData) {
  const std::string shared = test::shared_data_dir();
  if (shared.empty()) GTEST_SKIP() << "../shared/data is absent";
  const std::string dir = shared + "/odd-formats/";
  struct Case {
    const char* file;
    double seconds;
  };
  for (const Case& c : {Case{"jfk-44k1-stereo-24bit.flac", 11.0}, Case{"jfk-16k.wav", 11.0},
                        Case{"jfk-16k-id3.mp3", 11.0}, Case{"1272-128104-0004-8k.wav", 29.4},
                        Case{"LJ002-0020-22k05.wav", 0.0}, Case{"1272-141231-0002.mp3", 13.46}}) {
    const Waveform w = read_audio_file(dir + c.file);
    EXPECT_EQ(w.sample_rate_hz, 16000) << c.file;
    if (c.seconds > 0) {
      EXPECT_NEAR(w.duration_seconds(), c.seconds, 0.15) << c.file;
    }
    double energy = 0;
    for (float s : w.samples) energy += s * s;
    EXPECT_GT(energy / w.samples.size(), 1e-5) << c.file << " decoded to silence";
  }
}

TEST(AudioFileReader, KnowsAudioExtensions) {
  EXPECT_TRUE(has_audio_extension("a/b.WAV"));
  EXPECT_TRUE(has_audio_extension("x.flac"));
  EXPECT_TRUE(has_audio_extension("x.mp3"));
  EXPECT_FALSE(has_audio_extension("x.txt"));
  EXPECT_FALSE(has_audio_extension("wav"));
}

}  // namespace
}  // namespace w2v2

namespace w2v2 {
namespace {

TEST(AudioStreamReader, RangedReadsEqualTheWholeFile) {
  test::TempDir dir;
  std::vector<float> stereo;
  for (int i = 0; i < 40000; ++i) {
    stereo.push_back(static_cast<float>(std::sin(i * 0.01)) * 0.5f);
    stereo.push_back(static_cast<float>(std::cos(i * 0.013)) * 0.25f);
  }
  test::write_audio(dir.file("a.flac"), stereo, 16000, 2, SF_FORMAT_FLAC | SF_FORMAT_PCM_24);
  const Waveform whole = read_audio_file(dir.file("a.flac"));
  AudioStreamReader reader(dir.file("a.flac"), AudioReadOptions{});
  EXPECT_TRUE(reader.exact_length());
  EXPECT_EQ(reader.declared_frames(), 40000);
  EXPECT_EQ(reader.sample_rate_hz(), 16000);
  for (const auto& [start, count] :
       std::vector<std::pair<int64_t, int64_t>>{{0, 100}, {100, 50}, {12345, 20000}, {39990, 50}, {7, 30}}) {
    const auto part = reader.read(start, count);
    ASSERT_EQ(static_cast<int64_t>(part.size()), std::min<int64_t>(count, 40000 - start));
    for (size_t k = 0; k < part.size(); ++k) ASSERT_EQ(part[k], whole.samples[start + k]) << start + k;
  }
  AudioReadOptions right;
  right.channel = 1;
  AudioStreamReader one_channel(dir.file("a.flac"), right);
  EXPECT_NEAR(one_channel.read(0, 1)[0], 0.25f, 1e-5);
}

TEST(ResamplingStream, ChunksOfALongFileAtAnotherRateEqualTheWholeFileResampled) {
  // A long 44.1 kHz stereo (or 8 / 22.05 kHz) file is resampled chunk by chunk as a stream; every chunk must
  // be bit-identical to the same range of the whole file resampled at once (what the serial loop uses).
  test::TempDir dir;
  for (const auto& [rate, channels] : std::vector<std::pair<int, int>>{{44100, 2}, {8000, 1}, {22050, 1}}) {
    const int frames = rate * 47 + 123;
    const std::vector<float> signal = noise(frames, channels, 99);
    const std::string path = dir.file("long-" + std::to_string(rate) + ".wav");
    test::write_audio(path, signal, rate, channels, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
    const Waveform whole = read_audio_file(path);
    ResamplingStream stream(std::make_unique<AudioStreamReader>(path, AudioReadOptions{}), 16000);
    ASSERT_EQ(stream.frames(), static_cast<int64_t>(whole.samples.size())) << rate;
    const auto chunks = plan_chunks(stream.frames(), ChunkingConfig{}, 16000);
    ASSERT_GE(chunks.size(), 2u);
    for (const AudioChunk& c : chunks) {
      const std::vector<float> part = stream.read(c.start, c.length);
      ASSERT_EQ(static_cast<int64_t>(part.size()), c.length) << rate;
      for (int64_t k = 0; k < c.length; ++k) {
        ASSERT_EQ(part[k], whole.samples[c.start + k]) << rate << " sample " << c.start + k;
      }
    }
    EXPECT_THROW(stream.read(0, 10), AudioReadError);  // ranges never go back
  }
}

TEST(AudioStreamReader, CodecsThatCannotSeekStillReadFrontToBack) {
  // libsndfile refuses any seek on GSM 6.10 (telephony WAV), even to frame 0.
  test::TempDir dir;
  test::write_audio(dir.file("gsm.wav"), test::sine(440.0, 8000, 8000), 8000, 1, SF_FORMAT_WAV | SF_FORMAT_GSM610);
  AudioStreamReader reader(dir.file("gsm.wav"), AudioReadOptions{});
  EXPECT_FALSE(reader.exact_length());
  const Waveform w = read_audio_file(dir.file("gsm.wav"));  // resampled to 16 kHz
  EXPECT_EQ(w.sample_rate_hz, 16000);
  // GSM pads the last block of 320 samples: 8,000 frames come back as 8,320.
  EXPECT_GE(w.samples.size(), 16000u);
  EXPECT_LE(w.samples.size(), 16000u + 640u);
  EXPECT_NEAR(estimate_frequency(w.samples, 16000), 440.0, 15.0);
}

TEST(AudioStreamReader, AFlacWithoutADeclaredLengthReadsWhole) {
  // A FLAC encoded to a pipe has total_samples = 0 in STREAMINFO: "length unknown".
  test::TempDir dir;
  const auto signal = test::sine(300.0, 16000, 24000);
  test::write_audio(dir.file("a.flac"), signal, 16000, 1, SF_FORMAT_FLAC | SF_FORMAT_PCM_16);
  write_lengthless_flac(dir.file("open.flac"), signal, 16000, 1);
  AudioStreamReader reader(dir.file("open.flac"), AudioReadOptions{});
  EXPECT_EQ(reader.declared_frames(), -1);
  EXPECT_FALSE(reader.exact_length());
  const Waveform w = read_audio_file(dir.file("open.flac"));
  EXPECT_EQ(w.samples, read_audio_file(dir.file("a.flac")).samples);
}

}  // namespace
}  // namespace w2v2

namespace w2v2 {
namespace {

struct LengthlessCase {
  std::string name;
  int rate;
  int channels;
  bool mp3;
};

std::string write_case(const test::TempDir& dir, const LengthlessCase& c, double seconds) {
  const auto frames = static_cast<int64_t>(seconds * c.rate);
  const std::string path = dir.file(c.name);
  if (c.mp3) {
    test::write_audio(path, noise(frames, c.channels), c.rate, c.channels, SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III);
  } else {
    write_lengthless_flac(path, noise(frames, c.channels), c.rate, c.channels);
  }
  return path;
}

const std::vector<LengthlessCase>& lengthless_cases() {
  static const std::vector<LengthlessCase> cases = {{"s48k.mp3", 48000, 2, true},
                                                    {"m16k.mp3", 16000, 1, true},
                                                    {"s44k.flac", 44100, 2, false},
                                                    {"m16k.flac", 16000, 1, false}};
  return cases;
}

TEST(AudioStreamReader, CountingPassGivesTheExactLengthAndStartsOver) {
  test::TempDir dir;
  for (const auto& c : lengthless_cases()) {
    const std::string path = write_case(dir, c, 6.3);
    AudioStreamReader whole(path, AudioReadOptions{});
    const std::vector<float> all = whole.read_all();
    AudioStreamReader reader(path, AudioReadOptions{});
    EXPECT_FALSE(reader.exact_length()) << c.name;
    EXPECT_EQ(reader.known_frames(), -1) << c.name;
    const std::vector<float> head = reader.read(0, 1000);  // counting goes on from here
    EXPECT_EQ(reader.count_frames(), static_cast<int64_t>(all.size())) << c.name;
    EXPECT_EQ(reader.known_frames(), static_cast<int64_t>(all.size())) << c.name;
    // Back at frame 0, read front to back without a seek: the same samples again.
    const std::vector<float> again = reader.read(0, static_cast<int64_t>(all.size()) + 10);
    EXPECT_EQ(again, all) << c.name;
  }
}

TEST(AudioSource, LongMp3AndLengthlessFlacStreamAsTheWholeFileResampled) {
  // MP3 and a FLAC without a length are counted, then streamed front to back (never seeking): every chunk
  // must be bit-identical to the same range of the whole file read and resampled at once.
  test::TempDir dir;
  for (const auto& c : lengthless_cases()) {
    const std::string path = write_case(dir, c, 23.7);
    const Waveform whole = read_audio_file(path);
    AudioSource source(path, AudioReadOptions{}, 5.0);
    EXPECT_TRUE(source.streamed()) << c.name;
    ASSERT_EQ(source.frames(), static_cast<int64_t>(whole.samples.size())) << c.name;
    ChunkingConfig chunking;
    chunking.chunk_seconds = 5.0;
    chunking.stride_seconds = 1.0;
    const auto chunks = plan_chunks(source.frames(), chunking, 16000);
    ASSERT_GE(chunks.size(), 5u);
    for (const AudioChunk& k : chunks) {
      const std::vector<float> part = source.read(k.start, k.length);
      ASSERT_EQ(static_cast<int64_t>(part.size()), k.length) << c.name;
      for (int64_t i = 0; i < k.length; ++i) {
        ASSERT_EQ(part[i], whole.samples[k.start + i]) << c.name << " sample " << k.start + i;
      }
    }
    // A short one is held whole; the samples are the same either way.
    AudioSource short_source(path, AudioReadOptions{}, 30.0);
    EXPECT_FALSE(short_source.streamed()) << c.name;
    EXPECT_EQ(short_source.take_all(), whole.samples) << c.name;
    AudioSource streamed_whole(path, AudioReadOptions{}, 2.0);
    EXPECT_TRUE(streamed_whole.streamed()) << c.name;
    EXPECT_EQ(streamed_whole.take_all(), whole.samples) << c.name;
  }
}

TEST(AudioSource, ExactLengthFilesStreamOnlyWhenLong) {
  test::TempDir dir;
  const std::string path = dir.file("a.flac");
  test::write_audio(path, noise(44100 * 12, 2), 44100, 2, SF_FORMAT_FLAC | SF_FORMAT_PCM_24);
  const Waveform whole = read_audio_file(path);
  AudioSource long_source(path, AudioReadOptions{}, 5.0);
  EXPECT_TRUE(long_source.streamed());
  EXPECT_EQ(long_source.frames(), 16000 * 12);
  EXPECT_EQ(long_source.read(0, 100), std::vector<float>(whole.samples.begin(), whole.samples.begin() + 100));
  EXPECT_EQ(long_source.read(50, 100), std::vector<float>(whole.samples.begin() + 50, whole.samples.begin() + 150));
  EXPECT_THROW(long_source.read(10, 100), AudioReadError);  // starts never go back
  EXPECT_THROW(long_source.read(16000 * 12 - 10, 11), AudioReadError);  // past the end
  AudioSource short_source(path, AudioReadOptions{}, 0.0);  // 0: whole whatever the length
  EXPECT_FALSE(short_source.streamed());
  EXPECT_EQ(short_source.take_all(), whole.samples);
}

TEST(AudioSource, ALengthlessFileLongerThanTheLimitFailsWhileCounting) {
  // 768 kHz without a declared length: read whole this asked for gigabytes; now the counting pass stops at
  // the limit (in seconds, whatever the rate) and names the file and the limit.
  // libsndfile does not write FLAC above 655,350 Hz; sox does, and to a pipe it leaves the length open.
  if (test::run_command("sh", {"-c", "command -v sox"}).exit_code != 0) GTEST_SKIP() << "sox is not installed";
  test::TempDir dir;
  const std::string path = dir.file("fast.flac");
  const auto sox = test::run_command(
      "sh", {"-c", "sox -R -n -r 768000 -c 1 -b 16 -t flac - synth 3 whitenoise vol 0.3 | cat > \"$0\"", path});
  ASSERT_EQ(sox.exit_code, 0) << sox.err;
  ASSERT_EQ(AudioStreamReader(path, AudioReadOptions{}).declared_frames(), -1);
  AudioReadOptions options;
  options.max_duration_seconds = 2.0;
  for (double whole_up_to : {30.0, 1.0, 0.0}) {
    try {
      AudioSource source(path, options, whole_up_to);
      ADD_FAILURE() << "no error at " << whole_up_to;
    } catch (const AudioReadError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(path), std::string::npos) << what;
      EXPECT_NE(what.find("limit of 2 s"), std::string::npos) << what;
    }
  }
  EXPECT_THROW(read_audio_file(path, options), AudioReadError);
  AudioStreamReader reader(path, options);
  EXPECT_THROW(reader.count_frames(), AudioReadError);
  options.max_duration_seconds = 4.0;  // within the limit: streamed at 16 kHz
  AudioSource source(path, options, 1.0);
  EXPECT_TRUE(source.streamed());
  EXPECT_EQ(source.frames(), 16000 * 3);
  EXPECT_EQ(source.take_all(), read_audio_file(path, options).samples);
}

TEST(AudioStreamReader, OpensAPathLongerThanLibsndfilesLimit) {
  // libsndfile's sf_open refuses paths over 1,024 characters; a valid 1,035-character path must still open.
  test::TempDir dir;
  std::filesystem::path deep = dir.path();
  const std::string name = "a.wav";
  while (deep.string().size() + 1 + name.size() < 1035) {
    const size_t room = 1035 - deep.string().size() - 1 - name.size() - 1;  // "/" + component + "/" + name
    deep /= std::string(std::min<size_t>(std::max<size_t>(room, 1), 200), 'd');
  }
  std::filesystem::create_directories(deep);
  const std::string path = (deep / name).string();
  ASSERT_EQ(path.size(), 1035u);
  const auto signal = test::sine(440.0, 16000, 8000);
  test::write_audio(dir.file(name), signal, 16000, 1, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
  std::filesystem::rename(dir.file(name), path);
  const Waveform w = read_audio_file(path);
  ASSERT_EQ(w.samples.size(), 8000u);
  EXPECT_NEAR(w.samples[100], signal[100], 1.0 / 32768);
  EXPECT_EQ(AudioSource(path, AudioReadOptions{}, 30.0).frames(), 8000);
  try {
    read_audio_file(path + "x");
    ADD_FAILURE() << "no error for a missing file";
  } catch (const AudioReadError& e) {
    EXPECT_NE(std::string(e.what()).find("not found"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace w2v2
