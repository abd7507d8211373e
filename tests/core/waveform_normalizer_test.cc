#include "features/waveform_normalizer.h"

#include <gtest/gtest.h>

#include <cmath>

namespace w2v2 {
namespace {

TEST(WaveformNormalizer, ZeroMeanUnitPopulationVariance) {
  std::vector<float> x{1.0f, 2.0f, 3.0f, 4.0f};  // mean 2.5, population variance 1.25
  normalize_waveform(x);
  const double scale = 1.0 / std::sqrt(1.25 + 1e-7);
  EXPECT_NEAR(x[0], -1.5 * scale, 1e-6);
  EXPECT_NEAR(x[3], 1.5 * scale, 1e-6);
  double mean = 0, var = 0;
  for (float v : x) mean += v;
  mean /= x.size();
  for (float v : x) var += (v - mean) * (v - mean);
  EXPECT_NEAR(mean, 0.0, 1e-7);
  EXPECT_NEAR(var / x.size(), 1.0, 1e-5);
}

TEST(WaveformNormalizer, ConstantSignalGivesZerosNotNaN) {
  std::vector<float> x(100, 0.3f);
  normalize_waveform(x);
  for (float v : x) EXPECT_EQ(v, 0.0f);
}

TEST(WaveformNormalizer, EmptyStaysEmpty) {
  std::vector<float> x;
  normalize_waveform(x);
  EXPECT_TRUE(x.empty());
}

}  // namespace
}  // namespace w2v2
