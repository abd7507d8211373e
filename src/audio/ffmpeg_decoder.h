#pragma once

#include <memory>
#include <string>

#include "audio/audio_decoder.h"

namespace w2v2 {

// FFmpeg's libavformat and libavcodec on an open file: the containers and codecs libsndfile lacks (M4A/AAC,
// MP4/MOV/MKV/WebM audio tracks, WMA, AMR, AC-3, ...), recognized by content, not by name. The file is read
// through the descriptor (pread, so the descriptor's offset is left alone), never by name: FFmpeg's protocols
// and any file a container refers to are refused. Decoded front to back; the length is not known before the
// end (exact_length false), so AudioSource counts a long file once, then streams it. Encoder delay is trimmed as
// FFmpeg's own CLI trims it (AAC priming through MP4 edit lists, Opus pre-skip), and so is padding where the
// container marks it (Opus in WebM). In MP4, M4A and MOV, where FFmpeg 5.1 and its CLI keep the AAC padding after
// the edit list's end (under a frame), audio past that end is dropped when the stream ends within one codec frame
// of it (a header short by less loses that much, as a player plays it). FFmpeg's log goes to spdlog at warning
// level. A stream whose channel count or rate changes mid-way is refused.
class FfmpegDecoder : public AudioDecoder {
 public:
  // Whether this build has FFmpeg (CMake W2V2_FFMPEG); without it open() finds nothing.
  static bool built();
  // Opens audio stream `stream` (0-based among the file's audio streams; -1: FFmpeg's best one). Returns
  // null, with FFmpeg's reason in `error`, when no container format recognizes the data; throws
  // AudioReadError naming `path` for a recognized file without a usable audio stream (none; fewer than
  // `stream` + 1; a codec this FFmpeg cannot decode; nothing decodable).
  static std::unique_ptr<FfmpegDecoder> open(int fd, const std::string& path, int stream, std::string& error);
  ~FfmpegDecoder() override;

  int64_t read(float* interleaved, int64_t frames) override;
  // Forward only, by decoding and dropping frames.
  void seek(int64_t frame) override;

 private:
  struct State;
  explicit FfmpegDecoder(std::unique_ptr<State> state);
  bool next_frame();  // decodes the next frame into the state's pending samples; false at the end
  std::unique_ptr<State> state_;
  int64_t position_ = 0;  // frames handed out by read()
};

}  // namespace w2v2
