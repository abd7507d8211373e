#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace w2v2 {

// Speech-like test signal for benchmarks: a gliding harmonic "voice" (pitch 90-250 Hz, 3 formant-like
// resonances) switched on and off at syllable rate, over light noise. Deterministic in `seed`; the content
// only matters in that it is not silence (decoding, normalization and the model see realistic values).
std::vector<float> synthetic_speech(double seconds, int sample_rate_hz, uint64_t seed);

// Writes `count` 16 kHz WAV files to `dir` (created), file i lasting durations[i % durations.size()]
// seconds; returns their paths in order. Existing files of the same name and size are reused.
std::vector<std::string> write_synthetic_corpus(const std::string& dir, const std::vector<double>& durations,
                                                int count, uint64_t seed);

}  // namespace w2v2
