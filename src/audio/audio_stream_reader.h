#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "audio/audio_decoder.h"
#include "audio/audio_file_reader.h"

namespace w2v2 {

// An open audio file whose mono samples (channels averaged, or `options.channel`) are read in ranges at
// the file's own rate, so a long file never has to be in memory at once. Opening validates what
// read_audio_file validates (existence, regular file, decodable, channels, rate, declared length) and throws
// AudioReadError naming the path. The file is opened by descriptor (libsndfile's own open refuses paths
// over 1,024 characters), then decoded by libsndfile when it recognizes the content and by FFmpeg otherwise
// (or when `options.audio_stream` > 0 asks for a stream past the first): one decoder per file, chosen by
// content, never by the file's name.
class AudioStreamReader {
 public:
  AudioStreamReader(const std::string& path, const AudioReadOptions& options);
  ~AudioStreamReader();
  AudioStreamReader(const AudioStreamReader&) = delete;
  AudioStreamReader& operator=(const AudioStreamReader&) = delete;

  const std::string& path() const { return path_; }
  const AudioFormat& format() const { return format_; }  // what was read, and by which decoder
  int sample_rate_hz() const { return sample_rate_hz_; }
  int64_t declared_frames() const { return frames_; }  // -1 when the header does not say
  // Whether declared_frames() can be trusted for ranged reads: a seekable file in a format whose header
  // states its length exactly (WAV, FLAC, AIFF, ...; not MP3 or Ogg, whose lengths are estimates, nor a
  // FLAC whose header leaves the length open).
  bool exact_length() const { return exact_length_; }
  // The number of frames the file really has: declared_frames() when exact_length(), the count of
  // count_frames() once it ran, -1 before.
  int64_t known_frames() const { return known_frames_; }

  // The counting pass: decodes the rest of the file in blocks without keeping its samples and returns its
  // exact length in frames (those already read included); then the reader is back at frame 0 (the file is
  // opened afresh, so no codec has to seek). Throws AudioReadError naming the path, and reads no further,
  // once the file is longer than `options.max_duration_seconds`.
  int64_t count_frames();

  // `count` mono samples from frame `start` (fewer at the end of the file). Throws on decode errors and
  // non-finite samples. Seeks only when `start` is not where the last read ended.
  std::vector<float> read(int64_t start, int64_t count);
  // Every remaining sample, in blocks (does not trust the declared length); throws AudioReadError once
  // they pass `options.max_duration_seconds` at the file's rate.
  std::vector<float> read_all();

 private:
  void open_decoder();  // on fd_ from its start; sets the format fields
  int64_t max_frames() const;  // options_.max_duration_seconds at the file's rate

  std::string path_;
  AudioReadOptions options_;
  struct Descriptor {  // closed last, also when the constructor throws
    int fd = -1;
    ~Descriptor();
  };
  Descriptor file_;
  std::unique_ptr<AudioDecoder> decoder_;
  AudioFormat format_;
  int channels_ = 0;
  int sample_rate_hz_ = 0;
  int64_t frames_ = 0;
  int64_t known_frames_ = -1;
  int64_t position_ = 0;  // the next frame the decoder returns
  bool exact_length_ = false;
};

}  // namespace w2v2
