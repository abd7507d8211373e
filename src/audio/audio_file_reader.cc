#include "audio/audio_file_reader.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "audio/audio_stream_reader.h"
#include "audio/resampler.h"
#include "common/error.h"

namespace w2v2 {
void AudioReadOptions::validate() const {
  W2V2_CHECK_AS(ConfigError, target_sample_rate_hz > 0, "target sample rate must be positive");
  W2V2_CHECK_AS(ConfigError, channel >= -1, "channel must be -1 (average) or a 0-based index");
  W2V2_CHECK_AS(ConfigError, audio_stream >= -1, "audio stream must be -1 (the best one) or a 0-based index");
  W2V2_CHECK_AS(ConfigError, max_duration_seconds > 0, "max_duration_seconds must be positive");
}

void check_sample_rate(const std::string& name, int sample_rate_hz) {
  W2V2_CHECK_AS(AudioReadError, sample_rate_hz >= 1000 && sample_rate_hz <= 768000, name, ": unsupported sample rate ",
                sample_rate_hz, " Hz");
}

bool has_audio_extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  // What libsndfile reads, then the common FFmpeg ones (audio and the audio tracks of video).
  static const char* const kExtensions[] = {
      ".wav", ".flac", ".ogg", ".oga", ".mp3", ".opus", ".aiff", ".aif", ".au",
      ".m4a", ".aac", ".mp4", ".m4v", ".mov", ".mkv", ".mka", ".webm", ".wma", ".amr", ".3gp", ".ac3"};
  return std::find(std::begin(kExtensions), std::end(kExtensions), ext) != std::end(kExtensions);
}

Waveform read_audio_file(const std::string& path, const AudioReadOptions& options) {
  AudioStreamReader reader(path, options);
  return read_audio_file(reader, options);
}

Waveform read_audio_file(AudioStreamReader& reader, const AudioReadOptions& options) {
  std::vector<float> mono = reader.read_all();
  Waveform waveform;
  // Same rate: hand the samples over (a 1-hour file is 230 MB of floats; no second copy).
  waveform.samples = reader.sample_rate_hz() == options.target_sample_rate_hz
                         ? std::move(mono)
                         : resample(mono, reader.sample_rate_hz(), options.target_sample_rate_hz);
  waveform.sample_rate_hz = options.target_sample_rate_hz;
  return waveform;
}

}  // namespace w2v2
