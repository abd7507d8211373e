#pragma once

#include <cstdint>
#include <string>

namespace w2v2 {

// What a decoder found in a file: the stream it reads and how it is coded.
struct AudioFormat {
  int channels = 0;
  int sample_rate_hz = 0;
  int64_t frames = -1;        // the length the header states; -1 when it does not
  bool exact_length = false;  // `frames` can be trusted for ranged reads (and seek() works)
  std::string reader;         // "libsndfile" or "ffmpeg"
  std::string container;      // e.g. "wav", "flac", "mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm"
  std::string codec;          // e.g. "pcm_s16", "flac", "aac", "opus"
};

// One open audio file's decoded frames, interleaved float32 at the file's own rate: the part of reading
// that differs between libsndfile (SndfileDecoder) and FFmpeg (FfmpegDecoder). AudioStreamReader does the
// rest (channels, limits, finite samples). Errors throw AudioReadError naming the file.
class AudioDecoder {
 public:
  virtual ~AudioDecoder() = default;
  const AudioFormat& format() const { return format_; }
  // Up to `frames` frames (format().channels floats each) into `interleaved`; 0 at the end of the stream.
  virtual int64_t read(float* interleaved, int64_t frames) = 0;
  // Moves to frame `frame`; only where format().exact_length.
  virtual void seek(int64_t frame) = 0;

 protected:
  AudioFormat format_;
};

}  // namespace w2v2
