#include "features/waveform_normalizer.h"

#include <cmath>

namespace w2v2 {

void normalize_waveform(std::vector<float>& samples) {
  if (samples.empty()) return;
  const double n = static_cast<double>(samples.size());
  double sum = 0.0;
  for (float x : samples) sum += x;
  const double mean = sum / n;
  double squares = 0.0;
  for (float x : samples) {
    const double d = x - mean;
    squares += d * d;
  }
  const double scale = 1.0 / std::sqrt(squares / n + 1e-7);
  for (float& x : samples) x = static_cast<float>((x - mean) * scale);
}

}  // namespace w2v2
