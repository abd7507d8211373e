#include "audio/resampler.h"

#include <soxr.h>

#include <cmath>
#include <memory>

#include "common/error.h"

namespace w2v2 {

void SoxrDeleter::operator()(soxr* resampler) const { soxr_delete(resampler); }

SoxrHandle make_soxr(int input_rate_hz, int output_rate_hz) {
  W2V2_CHECK_AS(AudioReadError, input_rate_hz > 0 && output_rate_hz > 0, "invalid sample rates ",
                input_rate_hz, " -> ", output_rate_hz);
  soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
  soxr_error_t error = nullptr;
  SoxrHandle resampler(soxr_create(input_rate_hz, output_rate_hz, 1, &error, &io, &quality, nullptr));
  W2V2_CHECK_AS(AudioReadError, error == nullptr && resampler, "soxr_create failed: ",
                error ? error : "unknown error");
  return resampler;
}

int64_t resampled_length(int64_t frames, int input_rate_hz, int output_rate_hz) {
  if (input_rate_hz == output_rate_hz) return frames;
  const double ratio = static_cast<double>(output_rate_hz) / input_rate_hz;
  return static_cast<int64_t>(std::llround(static_cast<double>(frames) * ratio));
}

std::vector<float> resample(const std::vector<float>& input, int input_rate_hz, int output_rate_hz) {
  W2V2_CHECK_AS(AudioReadError, input_rate_hz > 0 && output_rate_hz > 0, "invalid sample rates ",
                input_rate_hz, " -> ", output_rate_hz);
  if (input_rate_hz == output_rate_hz || input.empty()) return input;

  std::vector<float> output(
      static_cast<size_t>(resampled_length(static_cast<int64_t>(input.size()), input_rate_hz, output_rate_hz)));
  const SoxrHandle resampler = make_soxr(input_rate_hz, output_rate_hz);
  soxr_error_t error = nullptr;

  // soxr removes its own filter delay; feeding the whole input and then flushing (nullptr input)
  // yields exactly the expected number of samples.
  size_t produced = 0;
  size_t consumed = 0;
  error = soxr_process(resampler.get(), input.data(), input.size(), &consumed, output.data(),
                       output.size(), &produced);
  W2V2_CHECK_AS(AudioReadError, error == nullptr, "soxr_process failed: ", error);
  while (produced < output.size()) {
    size_t more = 0;
    error = soxr_process(resampler.get(), nullptr, 0, nullptr, output.data() + produced,
                         output.size() - produced, &more);
    W2V2_CHECK_AS(AudioReadError, error == nullptr, "soxr_process (flush) failed: ", error);
    if (more == 0) break;
    produced += more;
  }
  output.resize(produced);
  return output;
}

}  // namespace w2v2
