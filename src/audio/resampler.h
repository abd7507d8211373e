#pragma once

#include <cstdint>
#include <memory>
#include <vector>

struct soxr;  // libsoxr's resampler (soxr_t)

namespace w2v2 {

// Resamples mono float audio with libsoxr (SOXR_HQ). The output has resampled_length(input.size(), ...)
// samples, with the filter delay removed.
std::vector<float> resample(const std::vector<float>& input, int input_rate_hz, int output_rate_hz);

// Samples `resample` produces from `frames` input samples: round(frames x output_rate / input_rate).
int64_t resampled_length(int64_t frames, int input_rate_hz, int output_rate_hz);

struct SoxrDeleter {
  void operator()(soxr* resampler) const;
};
using SoxrHandle = std::unique_ptr<soxr, SoxrDeleter>;
// The libsoxr resampler `resample` uses (mono float32, SOXR_HQ), for streaming use. Throws AudioReadError.
SoxrHandle make_soxr(int input_rate_hz, int output_rate_hz);

}  // namespace w2v2
