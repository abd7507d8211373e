#pragma once

#include <memory>
#include <string>

#include "audio/audio_decoder.h"

namespace w2v2 {

// libsndfile on an open file (WAV, FLAC, Ogg Vorbis/Opus, MP3, AIFF, AU, ...), from the descriptor's current
// offset; the descriptor stays the caller's. Formats whose headers state the length exactly (not MP3 or Ogg,
// nor a FLAC written to a pipe) have exact_length.
class SndfileDecoder : public AudioDecoder {
 public:
  // Returns null, with libsndfile's reason in `error`, when libsndfile does not recognize the data.
  static std::unique_ptr<SndfileDecoder> open(int fd, const std::string& path, std::string& error);
  ~SndfileDecoder() override;

  int64_t read(float* interleaved, int64_t frames) override;
  void seek(int64_t frame) override;

 private:
  struct Handle;
  SndfileDecoder(std::unique_ptr<Handle> handle, const std::string& path);
  std::unique_ptr<Handle> handle_;
  std::string path_;
};

}  // namespace w2v2
