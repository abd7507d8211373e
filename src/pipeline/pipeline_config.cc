#include "pipeline/pipeline_config.h"

#include <algorithm>
#include <cmath>

#include "common/error.h"

namespace w2v2 {

void PipelineConfig::validate() const {
  W2V2_CHECK_AS(ConfigError, reader_threads >= 0 && reader_threads <= 256,
                "reader threads must be in 0..256 (0 = for the device)");
  W2V2_CHECK_AS(ConfigError, decode_threads >= 1 && decode_threads <= 256, "decode threads must be in 1..256");
  W2V2_CHECK_AS(ConfigError, queue_capacity >= 1, "queue capacity must be positive");
  batching.validate();
  chunking.validate();
}

std::string PipelineConfig::to_string() const {
  return "PipelineConfig(enabled=" + std::string(enabled ? "true" : "false") + ", readers=" +
         std::to_string(reader_threads) + ", decode_threads=" + std::to_string(decode_threads) +
         ", max_batch_size=" + std::to_string(batching.max_batch_size) +
         ", max_batch_seconds=" + std::to_string(batching.max_batch_seconds) +
         ", reproducible_batches=" + std::string(reproducible_batches ? "true" : "false") +
         ", chunk_seconds=" + std::to_string(chunking.chunk_seconds) + ")";
}

void PipelineConfig::resolve_for_device(const Device& device, unsigned cores, int sample_rate_hz) {
  W2V2_CHECK_AS(ConfigError, sample_rate_hz > 0, "sample rate must be positive; got ", sample_rate_hz);
  const bool gpu = device.is_gpu();
  if (reader_threads == 0) reader_threads = gpu ? static_cast<int>(std::clamp(cores / 2, 2u, 8u)) : 1;
  if (batching.max_batch_size == 0) batching.max_batch_size = gpu ? 16 : 1;
  if (batching.max_batch_seconds == 0) batching.max_batch_seconds = gpu ? 320.0 : 60.0;
  batching.max_batch_samples = static_cast<int64_t>(batching.max_batch_seconds * sample_rate_hz);
  batching.max_window_samples =
      std::max<int64_t>(1, static_cast<int64_t>(std::llround(batching.max_window_seconds * sample_rate_hz)));
}

}  // namespace w2v2
