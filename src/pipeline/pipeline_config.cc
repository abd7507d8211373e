#include "pipeline/pipeline_config.h"

#include <algorithm>

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
         ", max_batch_samples=" + std::to_string(batching.max_batch_samples) +
         ", reproducible_batches=" + std::string(reproducible_batches ? "true" : "false") +
         ", chunk_seconds=" + std::to_string(chunking.chunk_seconds) + ")";
}

void PipelineConfig::resolve_for_device(bool asynchronous_device, unsigned cores) {
  if (reader_threads == 0) {
    reader_threads = asynchronous_device ? static_cast<int>(std::clamp(cores / 2, 2u, 8u)) : 1;
  }
  if (batching.max_batch_size == 0) batching.max_batch_size = asynchronous_device ? 16 : 1;
  if (batching.max_batch_samples == 0) batching.max_batch_samples = 16000 * (asynchronous_device ? 320 : 60);
}

}  // namespace w2v2
