#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "audio/audio_stream_reader.h"
#include "audio/resampler.h"

namespace w2v2 {

// The mono samples of a file whose length is known (AudioStreamReader::known_frames(): an exact header, or
// the counting pass) at `target_rate_hz`, read in ranges whose starts never decrease (the overlapping chunks
// of a long file). At the file's own rate the ranges of an exact-length file come straight from the file;
// otherwise the file is read front to back, never seeking (MP3, Ogg, a FLAC without a length), and at
// another rate resampled as a stream with libsoxr (SOXR_HQ), which gives the very samples `resample` gives
// for the whole file (soxr's output does not depend on how its input is split) while holding only about one
// range in memory.
class ResamplingStream {
 public:
  ResamplingStream(std::unique_ptr<AudioStreamReader> reader, int target_rate_hz);
  ~ResamplingStream();
  ResamplingStream(const ResamplingStream&) = delete;
  ResamplingStream& operator=(const ResamplingStream&) = delete;

  int64_t frames() const { return frames_; }  // at the target rate, from the known length
  // `count` samples from `start` (fewer where the file ends). Throws AudioReadError on decode errors and
  // when `start` is before the previous read's start.
  std::vector<float> read(int64_t start, int64_t count);

 private:
  void fill(int64_t end);  // reads (and resamples) until target sample `end` is produced or the file ends
  void append(const float* samples, size_t count);  // to buffer_, capped at frames_ (as resample() is)

  std::unique_ptr<AudioStreamReader> reader_;
  SoxrHandle soxr_;  // null at the file's own rate
  bool sequential_ = false;  // read front to back into buffer_ (always so when resampling)
  double ratio_ = 1.0;  // target / source rate
  int64_t frames_ = 0;
  int64_t last_start_ = 0;
  int64_t source_position_ = 0;
  bool source_done_ = false;
  int64_t produced_ = 0;       // target samples produced so far
  std::vector<float> buffer_;  // the last produced samples: [produced_ - size, produced_)
};

}  // namespace w2v2
