#pragma once

#include <vector>

namespace w2v2 {

// Resamples mono float audio with libsoxr (SOXR_HQ). The output has
// round(input.size() * output_rate / input_rate) samples, with the filter delay removed.
std::vector<float> resample(const std::vector<float>& input, int input_rate_hz, int output_rate_hz);

}  // namespace w2v2
