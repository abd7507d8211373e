#include "decoding/log_softmax.h"

#include <cmath>
#include <cstddef>
#include <limits>

#include "common/error.h"

namespace w2v2 {

void log_softmax_rows(float* data, int frames, int vocab) {
  W2V2_CHECK(frames >= 0 && vocab > 0, "log_softmax_rows: invalid shape (", frames, ", ", vocab, ")");
  W2V2_CHECK(frames == 0 || data != nullptr, "log_softmax_rows: null data");
  for (int t = 0; t < frames; ++t) {
    float* row = data + static_cast<size_t>(t) * vocab;
    float max = row[0];
    bool nan = std::isnan(row[0]);
    for (int v = 1; v < vocab; ++v) {
      nan = nan || std::isnan(row[v]);
      if (row[v] > max) max = row[v];
    }
    if (nan || max == -std::numeric_limits<float>::infinity()) {
      for (int v = 0; v < vocab; ++v) row[v] = std::numeric_limits<float>::quiet_NaN();
      continue;
    }
    if (std::isinf(max)) {  // +inf: those entries share all the mass
      int count = 0;
      for (int v = 0; v < vocab; ++v) count += row[v] == max;
      const float share = static_cast<float>(-std::log(static_cast<double>(count)));
      for (int v = 0; v < vocab; ++v) row[v] = row[v] == max ? share : -std::numeric_limits<float>::infinity();
      continue;
    }
    double sum = 0.0;
    for (int v = 0; v < vocab; ++v) sum += std::exp(static_cast<double>(row[v]) - max);
    const double offset = static_cast<double>(max) + std::log(sum);
    for (int v = 0; v < vocab; ++v) row[v] = static_cast<float>(static_cast<double>(row[v]) - offset);
  }
}

}  // namespace w2v2
