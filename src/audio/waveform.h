#pragma once

#include <cstddef>
#include <vector>

namespace w2v2 {

// Mono audio as float samples in [-1, 1] (before normalization).
struct Waveform {
  std::vector<float> samples;
  int sample_rate_hz = 0;

  double duration_seconds() const {
    return sample_rate_hz > 0 ? static_cast<double>(samples.size()) / sample_rate_hz : 0.0;
  }
};

}  // namespace w2v2
