#include "audio/audio_source.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "audio/audio_stream_reader.h"
#include "audio/resampler.h"
#include "audio/resampling_stream.h"
#include "common/error.h"

namespace w2v2 {
namespace {

// A file without an exact length is held whole only up to this many frames at its own rate (16 MB of mono
// floats: 87 s at 48 kHz, 5.5 s at 768 kHz); a longer one is counted and streamed.
constexpr int64_t kMaxWholeSourceFrames = int64_t{1} << 22;

int64_t frames_for(double seconds, int rate_hz) {
  const double frames = std::ceil(seconds * rate_hz);
  return frames >= 9.0e18 ? std::numeric_limits<int64_t>::max() : static_cast<int64_t>(frames);
}

}  // namespace

AudioSource::AudioSource(const std::string& path, const AudioReadOptions& options, double whole_up_to_seconds)
    : path_(path) {
  auto reader = std::make_unique<AudioStreamReader>(path, options);
  format_ = reader->format();
  const int source_rate = reader->sample_rate_hz();
  const int rate = options.target_sample_rate_hz;
  const bool chunked = whole_up_to_seconds > 0;
  if (reader->exact_length()) {
    if (chunked && resampled_length(reader->declared_frames(), source_rate, rate) > frames_for(whole_up_to_seconds, rate)) {
      stream_ = std::make_unique<ResamplingStream>(std::move(reader), rate);
      frames_ = stream_->frames();
    } else {
      whole_ = read_audio_file(*reader, options).samples;
      frames_ = static_cast<int64_t>(whole_.size());
    }
    return;
  }
  // No trustworthy length: read a head; a file that ends within it is short.
  int64_t head_limit = kMaxWholeSourceFrames;
  if (chunked) head_limit = std::min(head_limit, frames_for(whole_up_to_seconds, source_rate));
  std::vector<float> head = reader->read(0, head_limit + 1);
  if (static_cast<int64_t>(head.size()) <= head_limit) {
    W2V2_CHECK_AS(AudioReadError, !head.empty(), path, ": contains no audio samples");
    W2V2_CHECK_AS(AudioReadError, static_cast<double>(head.size()) / source_rate <= options.max_duration_seconds, path,
                  ": longer than the limit of ", options.max_duration_seconds, " s per file");
    whole_ = source_rate == rate ? std::move(head) : resample(head, source_rate, rate);
    frames_ = static_cast<int64_t>(whole_.size());
    return;
  }
  head = {};
  reader->count_frames();  // the rest, without keeping it; back at frame 0
  stream_ = std::make_unique<ResamplingStream>(std::move(reader), rate);
  frames_ = stream_->frames();
}

AudioSource::AudioSource(const std::string& name, const std::vector<float>& samples, int sample_rate_hz,
                         const AudioReadOptions& options)
    : path_(name) {
  check_sample_rate(name, sample_rate_hz);
  W2V2_CHECK_AS(AudioReadError, !samples.empty(), name, ": contains no audio samples");
  W2V2_CHECK_AS(AudioReadError, static_cast<double>(samples.size()) / sample_rate_hz <= options.max_duration_seconds,
                name, ": longer than the limit of ", options.max_duration_seconds, " s per file");
  for (size_t i = 0; i < samples.size(); ++i) {
    W2V2_CHECK_AS(AudioReadError, std::isfinite(samples[i]), name, ": non-finite sample (NaN or Inf) at frame ", i);
  }
  format_.channels = 1;
  format_.sample_rate_hz = sample_rate_hz;
  format_.frames = static_cast<int64_t>(samples.size());
  format_.exact_length = true;
  format_.reader = "memory";
  const int rate = options.target_sample_rate_hz;
  whole_ = sample_rate_hz == rate ? samples : resample(samples, sample_rate_hz, rate);
  frames_ = static_cast<int64_t>(whole_.size());
}

AudioSource::~AudioSource() = default;

std::vector<float> AudioSource::read(int64_t start, int64_t count) {
  W2V2_CHECK_AS(AudioReadError, start >= 0 && count >= 0 && start + count <= frames_, path_, ": samples [", start,
                ", ", start + count, ") asked of ", frames_);
  if (!stream_) return std::vector<float>(whole_.begin() + start, whole_.begin() + start + count);
  std::vector<float> samples = stream_->read(start, count);
  W2V2_CHECK_AS(AudioReadError, static_cast<int64_t>(samples.size()) == count, path_, ": the file ends at sample ",
                start + static_cast<int64_t>(samples.size()), " (at the model's rate), before the ", frames_,
                " its length said");
  return samples;
}

std::vector<float> AudioSource::take_all() {
  if (!stream_) return std::move(whole_);
  return read(0, frames_);
}

}  // namespace w2v2
