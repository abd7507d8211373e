// Files libsndfile cannot read, through FFmpeg (audio/ffmpeg_decoder.h): fixtures are made here with Debian's
// ffmpeg CLI from the demo WAVs (the tests skip, saying so, where it or the FFmpeg build is missing).
#include "audio/ffmpeg_decoder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "audio/audio_file_reader.h"
#include "audio/audio_source.h"
#include "audio/audio_stream_reader.h"
#include "common/error.h"
#include "support/test_support.h"

namespace w2v2 {
namespace {

namespace fs = std::filesystem;

const char* const kFfmpeg = "/usr/bin/ffmpeg";

// The fixtures, made once for the suite.
class FfmpegDecoderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!FfmpegDecoder::built() || !fs::exists(kFfmpeg)) return;
    dir_ = new test::TempDir();
    const std::string a = test::source_path("data/samples/speech-16k.wav");
    const std::string b = test::source_path("data/samples/speech-16k-b.flac");
    const std::string stereo = test::source_path("data/samples/speech-44k1-stereo-24bit.flac");
    made_ = make({"-i", a, "-c:a", "aac", "-b:a", "256k", file("aac.m4a")}) &&
            make({"-f", "lavfi", "-i", "color=c=blue:s=64x48:r=10", "-i", a, "-shortest", "-map", "0:v", "-map", "1:a",
                  "-c:v", "mpeg4", "-c:a", "aac", "-b:a", "256k", file("video.mp4")}) &&
            make({"-i", a, "-c:a", "aac", "-b:a", "256k", "-movflags", "frag_keyframe+empty_moov", "-frag_duration",
                  "500000", file("fragmented.m4a")}) &&
            make({"-i", a, "-c:a", "libopus", "-b:a", "96k", file("opus.webm")}) &&
            make({"-i", a, "-c:a", "libvorbis", "-q:a", "8", file("vorbis.webm")}) &&
            make({"-i", a, "-i", b, "-map", "0:a", "-map", "1:a", "-c:a", "flac", file("two-tracks.mkv")}) &&
            make({"-i", a, "-c:a", "pcm_s16le", file("pcm.mov")}) &&
            make({"-i", stereo, "-c:a", "aac", "-b:a", "256k", file("stereo-44k1.m4a")}) &&
            make({"-f", "lavfi", "-i", "color=c=red:s=64x48:r=10", "-t", "1", "-c:v", "mpeg4", file("video-only.mp4")}) &&
            make({"-f", "lavfi", "-i", "sine=frequency=330:sample_rate=16000:duration=100", "-c:a", "aac", "-b:a", "64k",
                  file("long.m4a")});
    if (!made_) return;
    // AMR-NB at 8 kHz by hand: Debian's ffmpeg has no AMR encoder. 100 frames of 12.2 kbit/s mode (one header
    // byte, 31 payload bytes of noise), each 20 ms: 160 samples.
    std::mt19937 random(11);
    std::string amr = "#!AMR\n";
    for (int f = 0; f < 100; ++f) {
      amr += static_cast<char>(7 << 3 | 4);
      for (int k = 0; k < 31; ++k) amr += static_cast<char>(random() & 0xff);
    }
    test::write_text(file("noise.amr"), amr);
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (!FfmpegDecoder::built()) GTEST_SKIP() << "this build has no FFmpeg (CMake W2V2_FFMPEG)";
    if (!fs::exists(kFfmpeg)) GTEST_SKIP() << "no " << kFfmpeg << " to make the fixtures (apt-get install ffmpeg)";
    ASSERT_TRUE(made_) << "ffmpeg failed to make a fixture: " << error_;
  }

  static std::string file(const std::string& name) { return dir_->file(name); }
  static bool make(std::vector<std::string> args) {
    args.insert(args.begin(), {"-hide_banner", "-loglevel", "error", "-y"});
    const auto r = test::run_command(kFfmpeg, args);
    if (r.exit_code != 0) error_ = r.err;
    return r.exit_code == 0;
  }
  // What FFmpeg's own CLI decodes from `path`'s audio stream `stream`: mono float samples at the file's rate.
  static std::vector<float> ffmpeg_cli_decode(const std::string& path, int stream = 0) {
    const std::string raw = file("decoded.f32");
    EXPECT_TRUE(make({"-i", path, "-map", "0:a:" + std::to_string(stream), "-ac", "1", "-f", "f32le", raw}));
    std::ifstream in(raw, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<float> samples(bytes.size() / sizeof(float));
    std::memcpy(samples.data(), bytes.data(), samples.size() * sizeof(float));
    return samples;
  }
  static std::vector<float> source_samples(const std::string& name) {
    AudioReadOptions options;
    options.target_sample_rate_hz = 16000;
    return read_audio_file(test::source_path("data/samples/" + name), options).samples;
  }

  static test::TempDir* dir_;
  static bool made_;
  static std::string error_;
};

test::TempDir* FfmpegDecoderTest::dir_ = nullptr;
bool FfmpegDecoderTest::made_ = false;
std::string FfmpegDecoderTest::error_;

// The lag (in samples, within +-max_lag) at which `decoded` best matches `source`: 0 when nothing was shifted
// (encoder delay trimmed), so word timings keep their place.
int best_lag(const std::vector<float>& source, const std::vector<float>& decoded, int max_lag) {
  int best = 0;
  double best_score = -1e300;
  for (int lag = -max_lag; lag <= max_lag; ++lag) {
    double score = 0.0;
    for (size_t i = 0; i < source.size(); ++i) {
      const auto j = static_cast<int64_t>(i) + lag;
      if (j >= 0 && j < static_cast<int64_t>(decoded.size())) score += static_cast<double>(source[i]) * decoded[j];
    }
    if (score > best_score) {
      best_score = score;
      best = lag;
    }
  }
  return best;
}

// Signal-to-noise ratio of `decoded` against `source` over the source's length, in dB.
double snr_db(const std::vector<float>& source, const std::vector<float>& decoded) {
  double signal = 0.0, noise = 0.0;
  for (size_t i = 0; i < source.size() && i < decoded.size(); ++i) {
    signal += static_cast<double>(source[i]) * source[i];
    noise += (static_cast<double>(decoded[i]) - source[i]) * (static_cast<double>(decoded[i]) - source[i]);
  }
  return 10.0 * std::log10(signal / std::max(noise, 1e-30));
}

TEST_F(FfmpegDecoderTest, AacInM4aAndMp4KeepsLengthAndAlignment) {
  const std::vector<float> source = source_samples("speech-16k.wav");
  for (const char* name : {"aac.m4a", "video.mp4"}) {
    AudioStreamReader reader(file(name), {});
    EXPECT_EQ(reader.format().reader, "ffmpeg") << name;
    EXPECT_EQ(reader.format().container, "mov,mp4,m4a,3gp,3g2,mj2") << name;
    EXPECT_EQ(reader.format().codec, "aac") << name;
    EXPECT_EQ(reader.sample_rate_hz(), 16000);
    EXPECT_FALSE(reader.exact_length());
    const std::vector<float> decoded = read_audio_file(file(name), {}).samples;
    // Priming and padding (80 samples here, which FFmpeg 5.1's CLI keeps) trimmed to the stated duration, which
    // FFmpeg's muxer writes in milliseconds: within 1 ms (16 samples) of the source, and not shifted.
    EXPECT_LE(std::abs(static_cast<long>(decoded.size()) - static_cast<long>(source.size())), 16) << name;
    EXPECT_EQ(best_lag(source, decoded, 300), 0) << name;
    EXPECT_GT(snr_db(source, decoded), 15.0) << name;
  }
}

// Audio past the stated end is dropped only where it is padding: where the header's duration is wrong by more
// (here by half the track: its mdhd duration halved), every sample FFmpeg's CLI decodes is read. A fragmented file
// (no edit list: the CLI and the reader keep the 1,024 priming samples) loses only its padding.
TEST_F(FfmpegDecoderTest, AudioPastAWrongStatedEndIsKept) {
  std::string bytes = test::read_text(file("aac.m4a"));
  const size_t mdhd = bytes.find("mdhd");
  ASSERT_NE(mdhd, std::string::npos);
  ASSERT_EQ(bytes[mdhd + 4], 0) << "an mdhd of version 0: 32-bit times";
  // The mdhd duration (after version/flags, two times and the timescale) halved: FFmpeg states half the length.
  auto be32 = [&bytes](size_t at) {
    uint32_t v = 0;
    for (size_t k = 0; k < 4; ++k) v = v << 8 | static_cast<uint8_t>(bytes[at + k]);
    return v;
  };
  auto put_be32 = [&bytes](size_t at, uint32_t v) {
    for (size_t k = 0; k < 4; ++k) bytes[at + k] = static_cast<char>(v >> (24 - 8 * k) & 0xff);
  };
  const uint32_t media_duration = be32(mdhd + 20);
  put_be32(mdhd + 20, media_duration / 2);
  test::write_text(file("wrong-duration.m4a"), bytes);

  const std::vector<float> source = source_samples("speech-16k.wav");
  const std::vector<float> wrong = read_audio_file(file("wrong-duration.m4a"), {}).samples;
  EXPECT_EQ(wrong.size(), ffmpeg_cli_decode(file("wrong-duration.m4a")).size());
  EXPECT_GE(wrong.size(), source.size());
  EXPECT_EQ(best_lag(source, wrong, 300), 0);  // in order: the held part given back in place
  EXPECT_GT(snr_db(source, wrong), 15.0);
  const std::vector<float> fragmented = read_audio_file(file("fragmented.m4a"), {}).samples;
  EXPECT_LE(fragmented.size(), ffmpeg_cli_decode(file("fragmented.m4a")).size());
  EXPECT_NEAR(static_cast<double>(fragmented.size()), static_cast<double>(source.size() + 1024), 16.0);
}

TEST_F(FfmpegDecoderTest, OpusAndVorbisInWebm) {
  const std::vector<float> source = source_samples("speech-16k.wav");
  struct Case {
    const char* name;
    const char* codec;
    int rate;
    size_t frame;  // one codec frame at the file's rate
  };
  for (const Case& c : {Case{"opus.webm", "opus", 48000, 960}, Case{"vorbis.webm", "vorbis", 16000, 2048}}) {
    AudioStreamReader reader(file(c.name), {});
    EXPECT_EQ(reader.format().container, "matroska,webm");
    EXPECT_EQ(reader.format().codec, c.codec);
    EXPECT_EQ(reader.sample_rate_hz(), c.rate);
    const std::vector<float> native = reader.read_all();
    EXPECT_EQ(native.size(), ffmpeg_cli_decode(file(c.name)).size()) << c.name;
    const std::vector<float> decoded = read_audio_file(file(c.name), {}).samples;  // at 16 kHz
    EXPECT_LE(std::abs(static_cast<long>(decoded.size()) - static_cast<long>(source.size())),
              static_cast<long>(c.frame * 16000 / c.rate))
        << c.name;
    EXPECT_EQ(best_lag(source, decoded, 300), 0) << c.name;
    EXPECT_GT(snr_db(source, decoded), 10.0) << c.name;
  }
}

TEST_F(FfmpegDecoderTest, LosslessContainersGiveTheSourceSamples) {
  const std::vector<float> a = source_samples("speech-16k.wav");
  const std::vector<float> b = source_samples("speech-16k-b.flac");
  EXPECT_EQ(read_audio_file(file("pcm.mov"), {}).samples, a);
  // Two FLAC tracks in MKV: the first by default, the second by its number among the audio streams.
  EXPECT_EQ(read_audio_file(file("two-tracks.mkv"), {}).samples, a);
  AudioReadOptions second;
  second.audio_stream = 1;
  EXPECT_EQ(read_audio_file(file("two-tracks.mkv"), second).samples, b);
  AudioReadOptions first;
  first.audio_stream = 0;
  EXPECT_EQ(read_audio_file(file("two-tracks.mkv"), first).samples, a);
  AudioReadOptions third;
  third.audio_stream = 2;
  try {
    read_audio_file(file("two-tracks.mkv"), third);
    FAIL() << "a third audio stream was read";
  } catch (const AudioReadError& e) {
    EXPECT_NE(std::string(e.what()).find("two-tracks.mkv: audio stream 2 asked (--audio-stream) but the file has 2"),
              std::string::npos)
        << e.what();
  }
  // A file libsndfile reads has one stream: a second is FFmpeg's to refuse.
  try {
    read_audio_file(test::source_path("data/samples/speech-16k.wav"), second);
    FAIL() << "a WAV gave a second stream";
  } catch (const AudioReadError& e) {
    EXPECT_NE(std::string(e.what()).find("but the file has 1"), std::string::npos) << e.what();
  }
}

TEST_F(FfmpegDecoderTest, StereoAt44k1IsMixedAndResampledLikeTheFlac) {
  const std::vector<float> source = source_samples("speech-44k1-stereo-24bit.flac");
  AudioStreamReader reader(file("stereo-44k1.m4a"), {});
  EXPECT_EQ(reader.sample_rate_hz(), 44100);
  const std::vector<float> decoded = read_audio_file(file("stereo-44k1.m4a"), {}).samples;
  EXPECT_LE(std::abs(static_cast<long>(decoded.size()) - static_cast<long>(source.size())), 1024 * 16000 / 44100 + 1);
  EXPECT_EQ(best_lag(source, decoded, 300), 0);
  EXPECT_GT(snr_db(source, decoded), 15.0);
  AudioReadOptions right;
  right.channel = 1;
  EXPECT_NO_THROW(read_audio_file(file("stereo-44k1.m4a"), right));
  right.channel = 2;
  EXPECT_THROW(read_audio_file(file("stereo-44k1.m4a"), right), AudioReadError);
}

TEST_F(FfmpegDecoderTest, AmrNbAt8kHzHasExactLength) {
  AudioStreamReader reader(file("noise.amr"), {});
  EXPECT_EQ(reader.format().container, "amr");
  EXPECT_EQ(reader.format().codec, "amr_nb");
  EXPECT_EQ(reader.sample_rate_hz(), 8000);
  EXPECT_EQ(reader.read_all().size(), 100u * 160u);
  EXPECT_EQ(read_audio_file(file("noise.amr"), {}).samples.size(), 2u * 100u * 160u);
}

// A long file has no exact length: counted once, then streamed chunk by chunk, with the very samples a whole
// read gives.
TEST_F(FfmpegDecoderTest, LongFileIsCountedThenStreamed) {
  const std::vector<float> whole = read_audio_file(file("long.m4a"), {}).samples;
  ASSERT_NEAR(static_cast<double>(whole.size()), 1.6e6, 1024.0);
  AudioSource source(file("long.m4a"), {}, 30.0);
  EXPECT_TRUE(source.streamed());
  EXPECT_EQ(source.format().codec, "aac");
  ASSERT_EQ(source.frames(), static_cast<int64_t>(whole.size()));
  for (int64_t start = 0; start < source.frames(); start += 400000) {
    const int64_t count = std::min<int64_t>(480000, source.frames() - start);  // overlapping, as chunks are
    const std::vector<float> part = source.read(start, count);
    ASSERT_EQ(part, std::vector<float>(whole.begin() + start, whole.begin() + start + count)) << start;
  }
}

TEST_F(FfmpegDecoderTest, BadFilesFailWithTheFileAndTheCause) {
  const std::string mp4 = file("aac.m4a");
  std::string data = test::read_text(mp4);
  ASSERT_LT(data.find("mdat"), data.find("moov"));  // the muxer's default: moov at the end
  test::write_text(file("no-moov.m4a"), data.substr(0, data.find("moov") - 4));
  test::write_text(file("photo.m4a"), std::string("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00", 20) +
                                          std::string(300, '\0') + "\xff\xd9");
  test::write_text(file("empty.webm"), "");
  std::string mkv = test::read_text(file("opus.webm"));
  ASSERT_NE(mkv.find("A_OPUS"), std::string::npos);
  mkv.replace(mkv.find("A_OPUS"), 6, "A_QQQQ");
  test::write_text(file("unknown-codec.webm"), mkv);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"video-only.mp4", "no audio stream (mov,mp4,m4a,3gp,3g2,mj2 with 1 stream, 1 video)"},
      {"no-moov.m4a", "moov atom not found"},
      {"photo.m4a", "cannot decode audio (libsndfile: "},
      {"empty.webm", "empty file"},
      {"unknown-codec.webm", "this FFmpeg has no decoder for the audio codec \"none\" (matroska,webm)"},
  };
  for (const auto& [name, cause] : cases) {
    try {
      read_audio_file(file(name), {});
      FAIL() << name << " was read";
    } catch (const AudioReadError& e) {
      const std::string what = e.what();
      EXPECT_EQ(what.rfind(file(name) + ": ", 0), 0u) << what;
      EXPECT_NE(what.find(cause), std::string::npos) << what;
    }
  }
}

TEST(FfmpegInput, FolderWalkListsTheirExtensions) {
  for (const char* name : {"a.m4a", "b.AAC", "c.mp4", "d.m4v", "e.mov", "f.mkv", "g.mka", "h.webm", "i.wma", "j.amr",
                           "k.3gp", "l.ac3", "m.opus", "n.wav"}) {
    EXPECT_TRUE(has_audio_extension(name)) << name;
  }
  EXPECT_FALSE(has_audio_extension("x.jpg"));
  EXPECT_FALSE(has_audio_extension("x.srt"));
}

// libsndfile's files say what they are in the same terms.
TEST(FfmpegInput, LibsndfileFilesNameTheirContainerAndCodec) {
  AudioStreamReader wav(test::source_path("data/samples/speech-16k.wav"), {});
  EXPECT_EQ(wav.format().reader, "libsndfile");
  EXPECT_EQ(wav.format().container, "wav");
  EXPECT_EQ(wav.format().codec, "pcm_s16");
  AudioStreamReader flac(test::source_path("data/samples/speech-44k1-stereo-24bit.flac"), {});
  EXPECT_EQ(flac.format().container, "flac");
  EXPECT_EQ(flac.format().codec, "flac");
}

}  // namespace
}  // namespace w2v2
