#include "decoding/log_softmax.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "common/error.h"

namespace w2v2 {
namespace {

TEST(LogSoftmax, RowsSumToOneInProbabilityAndKeepDifferences) {
  std::vector<float> x{1.0f, 2.0f, 3.0f,  //
                       -5.0f, 0.0f, 0.0f};
  const std::vector<float> raw = x;
  log_softmax_rows(x.data(), 2, 3);
  for (int t = 0; t < 2; ++t) {
    double sum = 0.0;
    for (int v = 0; v < 3; ++v) sum += std::exp(static_cast<double>(x[t * 3 + v]));
    EXPECT_NEAR(sum, 1.0, 1e-6);
    for (int v = 1; v < 3; ++v) EXPECT_NEAR(x[t * 3 + v] - x[t * 3], raw[t * 3 + v] - raw[t * 3], 1e-5);
  }
  // log(e^1 / (e^1 + e^2 + e^3))
  EXPECT_NEAR(x[0], 1.0 - std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0)), 1e-6);
}

TEST(LogSoftmax, StableForHugeAndTinyLogits) {
  std::vector<float> x{1e30f, 1e30f - 1e24f, -1e30f, 1000.0f, 999.0f, -3.4e38f};
  log_softmax_rows(x.data(), 2, 3);
  for (float v : x) EXPECT_FALSE(std::isnan(v));
  EXPECT_NEAR(x[0], 0.0f, 1e-6);
  EXPECT_NEAR(x[3], -std::log1p(std::exp(-1.0)), 1e-6);
  EXPECT_NEAR(x[4], -1.0 - std::log1p(std::exp(-1.0)), 1e-6);
  EXPECT_LT(x[5], -1e37f);
}

TEST(LogSoftmax, OnlyTheGivenFramesAndOddRows) {
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> x{0.0f, 0.0f,  //
                       std::nanf(""), 1.0f,  //
                       inf, inf,  //
                       -inf, -inf,  //
                       7.0f, 9.0f};  // not converted: frames = 4
  log_softmax_rows(x.data(), 4, 2);
  EXPECT_NEAR(x[0], -std::log(2.0), 1e-7);
  EXPECT_NEAR(x[1], -std::log(2.0), 1e-7);
  EXPECT_TRUE(std::isnan(x[2]) && std::isnan(x[3]));
  EXPECT_NEAR(x[4], -std::log(2.0), 1e-7);
  EXPECT_TRUE(std::isnan(x[6]) && std::isnan(x[7]));
  EXPECT_EQ(x[8], 7.0f);
  EXPECT_EQ(x[9], 9.0f);
  log_softmax_rows(nullptr, 0, 5);
  EXPECT_THROW(log_softmax_rows(x.data(), 1, 0), Error);
  EXPECT_THROW(log_softmax_rows(x.data(), -1, 2), Error);
}

}  // namespace
}  // namespace w2v2
