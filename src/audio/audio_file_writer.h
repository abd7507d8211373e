#pragma once

#include <string>
#include <vector>

namespace w2v2 {

// Writes mono float samples in [-1, 1] as a 16-bit PCM WAV file (libsndfile), atomically (temp file +
// rename). Throws OutputError naming the path.
void write_wav_file(const std::string& path, const std::vector<float>& samples, int sample_rate_hz);

}  // namespace w2v2
