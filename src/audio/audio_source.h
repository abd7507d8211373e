#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "audio/audio_decoder.h"
#include "audio/audio_file_reader.h"

namespace w2v2 {

class ResamplingStream;

// One input file's mono samples at `options.target_sample_rate_hz`, with an exact length known before they
// are read, in memory only when the file is short: the one way the pipeline and the serial loop read audio.
// - A file whose header states its length exactly (WAV, FLAC, AIFF, ...) and is at most `whole_up_to_seconds`
//   long is read whole; a longer one becomes a stream read range by range.
// - Any other (MP3, Ogg, a FLAC without a length, a codec that cannot seek) is read whole when it ends within
//   about `whole_up_to_seconds` (and 2^22 source frames); a longer one is decoded once to count its frames
//   (failing past `options.max_duration_seconds`), then read front to back as a stream.
// Streamed or whole, the samples are the same ones read_audio_file gives. `whole_up_to_seconds` <= 0 reads
// exact-length files whole whatever their length (within max_duration_seconds). Throws AudioReadError naming
// the path.
class AudioSource {
 public:
  AudioSource(const std::string& path, const AudioReadOptions& options, double whole_up_to_seconds);
  // Mono samples already in memory at `sample_rate_hz` (checked as a file's are: finite, a usable rate, within
  // the length limit), resampled to the target rate; `name` names them in errors.
  AudioSource(const std::string& name, const std::vector<float>& samples, int sample_rate_hz,
              const AudioReadOptions& options);
  ~AudioSource();
  AudioSource(const AudioSource&) = delete;
  AudioSource& operator=(const AudioSource&) = delete;

  int64_t frames() const { return frames_; }  // at the target rate
  const AudioFormat& format() const { return format_; }  // the file's own: reader, container, codec, rate
  bool streamed() const { return stream_ != nullptr; }

  // Exactly `count` samples from `start` (start + count <= frames()); starts must not decrease. Throws
  // AudioReadError naming the path when the file ends sooner than its length said.
  std::vector<float> read(int64_t start, int64_t count);
  // All frames() samples (the in-memory copy is handed over; a stream is read to its end).
  std::vector<float> take_all();

 private:
  std::string path_;
  AudioFormat format_;
  int64_t frames_ = 0;
  std::vector<float> whole_;                 // a short file
  std::unique_ptr<ResamplingStream> stream_;  // a long one
};

}  // namespace w2v2
