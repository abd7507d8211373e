#pragma once

#include <string>

#include "audio/waveform.h"

namespace w2v2 {

struct AudioReadOptions {
  int target_sample_rate_hz = 16000;  // resampled to this rate (libsoxr, high quality)
  int channel = -1;                   // -1: average all channels; otherwise pick this 0-based channel
  int audio_stream = -1;              // -1: the file's best audio stream; otherwise this 0-based audio stream
  double max_duration_seconds = 4.0 * 3600.0;  // longer files are rejected, not allocated

  void validate() const;
};

// Reads any format libsndfile decodes (WAV 16/24/32-bit int and float, FLAC, OGG/Vorbis/Opus, MP3) and,
// through FFmpeg, the rest (M4A/AAC, MP4/MOV/MKV/WebM audio, WMA, AMR, AC-3, ...), downmixes to mono (or picks `options.channel`) and resamples to the target rate.
// Throws AudioReadError naming the path and the cause.
Waveform read_audio_file(const std::string& path, const AudioReadOptions& options = {});

class AudioStreamReader;
// The same, from a file already opened (its remaining samples), so a caller that looked at the header
// first does not open the file twice.
Waveform read_audio_file(AudioStreamReader& reader, const AudioReadOptions& options);

// Throws AudioReadError naming `name` for a rate no recording has (outside 1 kHz .. 768 kHz): the one rule for
// files and for samples handed over in memory.
void check_sample_rate(const std::string& name, int sample_rate_hz);

// File extensions (lower case, with the dot) that read_audio_file is expected to decode.
bool has_audio_extension(const std::string& path);

}  // namespace w2v2
