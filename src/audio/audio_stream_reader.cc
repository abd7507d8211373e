#include "audio/audio_stream_reader.h"

#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>

#include "common/error.h"

namespace w2v2 {
namespace {

constexpr int kMaxChannels = 256;
constexpr sf_count_t kBlockFrames = 1 << 15;

}  // namespace

struct AudioStreamReader::File {
  SNDFILE* handle = nullptr;
  ~File() {
    if (handle) sf_close(handle);
  }
};

AudioStreamReader::AudioStreamReader(const std::string& path, const AudioReadOptions& options)
    : path_(path), options_(options), file_(std::make_unique<File>()) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  W2V2_CHECK_AS(AudioReadError, !ec && std::filesystem::exists(status), path, ": file not found");
  W2V2_CHECK_AS(AudioReadError, std::filesystem::is_regular_file(status), path, ": not a regular file");
  W2V2_CHECK_AS(AudioReadError, std::filesystem::file_size(path, ec) > 0 && !ec, path, ": empty file");

  SF_INFO info{};
  file_->handle = sf_open(path.c_str(), SFM_READ, &info);
  if (file_->handle == nullptr) {
    std::string reason = sf_strerror(nullptr);
    // libsndfile says this of data it cannot parse (e.g. an MP3 without valid frames); the file exists.
    if (reason.find("does not exist") != std::string::npos) reason = "unrecognized or corrupt audio data";
    throw AudioReadError(path + ": cannot decode audio (" + reason + ")");
  }
  W2V2_CHECK_AS(AudioReadError, info.channels > 0 && info.channels <= kMaxChannels, path,
                ": unsupported channel count ", info.channels);
  W2V2_CHECK_AS(AudioReadError, info.samplerate >= 1000 && info.samplerate <= 768000, path,
                ": unsupported sample rate ", info.samplerate, " Hz");
  W2V2_CHECK_AS(AudioReadError, options.channel < info.channels, path, ": channel ", options.channel,
                " requested but the file has ", info.channels);
  // A FLAC written to a pipe may not state its length: libsndfile then says SF_COUNT_MAX.
  const bool length_known = info.frames >= 0 && info.frames != SF_COUNT_MAX;
  W2V2_CHECK_AS(AudioReadError, !length_known ||
                    static_cast<double>(info.frames) / info.samplerate <= options.max_duration_seconds,
                path, ": declared length ", info.frames, " frames exceeds the limit of ",
                options.max_duration_seconds, " s");
  channels_ = info.channels;
  sample_rate_hz_ = info.samplerate;
  frames_ = length_known ? info.frames : -1;
  const int major = info.format & SF_FORMAT_TYPEMASK;
  exact_length_ = length_known && info.seekable && major != SF_FORMAT_OGG && major != SF_FORMAT_MPEG;
}

AudioStreamReader::~AudioStreamReader() = default;

std::vector<float> AudioStreamReader::read(int64_t start, int64_t count) {
  W2V2_CHECK_AS(AudioReadError, start >= 0 && count >= 0, path_, ": invalid range");
  // Seek only when needed: libsndfile refuses every seek, even to frame 0, on codecs it cannot seek in
  // (GSM 6.10, G.721/G.723, VOX and other ADPCM), which still read fine front to back.
  if (start != position_) {
    W2V2_CHECK_AS(AudioReadError, sf_seek(file_->handle, start, SEEK_SET) == start, path_,
                  ": cannot seek to frame ", start);
    position_ = start;
  }
  std::vector<float> block(static_cast<size_t>(std::min<int64_t>(count, kBlockFrames)) * channels_);
  std::vector<float> mono;
  mono.reserve(static_cast<size_t>(count));
  while (static_cast<int64_t>(mono.size()) < count) {
    const sf_count_t want = std::min<sf_count_t>(kBlockFrames, count - static_cast<int64_t>(mono.size()));
    const sf_count_t got = sf_readf_float(file_->handle, block.data(), want);
    if (got <= 0) break;
    for (sf_count_t f = 0; f < got; ++f) {
      const float* frame = block.data() + f * channels_;
      float value;
      if (options_.channel >= 0) {
        value = frame[options_.channel];
      } else {
        double sum = 0.0;
        for (int c = 0; c < channels_; ++c) sum += frame[c];
        value = static_cast<float>(sum / channels_);
      }
      W2V2_CHECK_AS(AudioReadError, std::isfinite(value), path_, ": non-finite sample (NaN or Inf) at frame ",
                    start + static_cast<int64_t>(mono.size()));
      mono.push_back(value);
    }
    position_ += got;
  }
  const int error = sf_error(file_->handle);
  W2V2_CHECK_AS(AudioReadError, error == SF_ERR_NO_ERROR, path_, ": decode error (", sf_error_number(error), ")");
  return mono;
}

std::vector<float> AudioStreamReader::read_all() {
  // Read in blocks rather than trusting the declared frame count (MP3 and broken headers lie).
  const auto max_frames = static_cast<int64_t>(options_.max_duration_seconds * sample_rate_hz_);
  std::vector<float> mono;
  mono.reserve(static_cast<size_t>(std::max<int64_t>(std::min(frames_, max_frames), 0)));
  for (;;) {
    std::vector<float> block = read(static_cast<int64_t>(mono.size()), kBlockFrames);
    if (block.empty()) break;
    mono.insert(mono.end(), block.begin(), block.end());
    W2V2_CHECK_AS(AudioReadError, static_cast<int64_t>(mono.size()) <= max_frames, path_, ": longer than ",
                  options_.max_duration_seconds, " s");
  }
  W2V2_CHECK_AS(AudioReadError, !mono.empty(), path_, ": contains no audio samples");
  return mono;
}

}  // namespace w2v2
