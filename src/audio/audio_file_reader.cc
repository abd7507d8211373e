#include "audio/audio_file_reader.h"

#include <sndfile.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <memory>

#include "audio/resampler.h"
#include "common/error.h"

namespace w2v2 {
namespace {

struct SndfileCloser {
  void operator()(SNDFILE* file) const { sf_close(file); }
};

constexpr int kMaxChannels = 256;

}  // namespace

void AudioReadOptions::validate() const {
  W2V2_CHECK_AS(ConfigError, target_sample_rate_hz > 0, "target sample rate must be positive");
  W2V2_CHECK_AS(ConfigError, channel >= -1, "channel must be -1 (average) or a 0-based index");
  W2V2_CHECK_AS(ConfigError, max_duration_seconds > 0, "max_duration_seconds must be positive");
}

bool has_audio_extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".wav" || ext == ".flac" || ext == ".ogg" || ext == ".oga" || ext == ".mp3" ||
         ext == ".opus" || ext == ".aiff" || ext == ".aif" || ext == ".au";
}

Waveform read_audio_file(const std::string& path, const AudioReadOptions& options) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  W2V2_CHECK_AS(AudioReadError, !ec && std::filesystem::exists(status), path, ": file not found");
  W2V2_CHECK_AS(AudioReadError, std::filesystem::is_regular_file(status), path, ": not a regular file");
  W2V2_CHECK_AS(AudioReadError, std::filesystem::file_size(path, ec) > 0 && !ec, path, ": empty file");

  SF_INFO info{};
  std::unique_ptr<SNDFILE, SndfileCloser> file(sf_open(path.c_str(), SFM_READ, &info));
  if (file == nullptr) {
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
  W2V2_CHECK_AS(AudioReadError, info.frames >= 0 &&
                    static_cast<double>(info.frames) / info.samplerate <= options.max_duration_seconds,
                path, ": declared length ", info.frames, " frames exceeds the limit of ",
                options.max_duration_seconds, " s");

  // Read in blocks rather than trusting the declared frame count (MP3 and broken headers lie).
  const int channels = info.channels;
  constexpr sf_count_t kBlockFrames = 1 << 15;
  std::vector<float> block(static_cast<size_t>(kBlockFrames) * channels);
  std::vector<float> mono;
  mono.reserve(static_cast<size_t>(std::max<sf_count_t>(info.frames, 0)));
  const size_t max_frames = static_cast<size_t>(options.max_duration_seconds * info.samplerate);
  for (;;) {
    const sf_count_t got = sf_readf_float(file.get(), block.data(), kBlockFrames);
    if (got <= 0) break;
    for (sf_count_t f = 0; f < got; ++f) {
      const float* frame = block.data() + f * channels;
      float value;
      if (options.channel >= 0) {
        value = frame[options.channel];
      } else {
        double sum = 0.0;
        for (int c = 0; c < channels; ++c) sum += frame[c];
        value = static_cast<float>(sum / channels);
      }
      W2V2_CHECK_AS(AudioReadError, std::isfinite(value), path, ": non-finite sample (NaN or Inf) at frame ",
                    mono.size());
      mono.push_back(value);
    }
    W2V2_CHECK_AS(AudioReadError, mono.size() <= max_frames, path, ": longer than ",
                  options.max_duration_seconds, " s");
  }
  const int error = sf_error(file.get());
  W2V2_CHECK_AS(AudioReadError, error == SF_ERR_NO_ERROR, path, ": decode error (", sf_error_number(error), ")");
  W2V2_CHECK_AS(AudioReadError, !mono.empty(), path, ": contains no audio samples");

  Waveform waveform;
  // Same rate: hand the samples over (a 1-hour file is 230 MB of floats; no second copy).
  waveform.samples = info.samplerate == options.target_sample_rate_hz
                         ? std::move(mono)
                         : resample(mono, info.samplerate, options.target_sample_rate_hz);
  waveform.sample_rate_hz = options.target_sample_rate_hz;
  return waveform;
}

}  // namespace w2v2
