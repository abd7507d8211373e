#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace w2v2 {

struct BatchingConfig {
  // Most padded audio per batch (B x longest), in seconds; 0 = for the device (PipelineConfig::resolve_for_device).
  double max_batch_seconds = 60.0;
  // The same cap in padded samples, which make_batches reads: PipelineConfig::resolve_for_device sets it from
  // max_batch_seconds at the audio's sample rate (the one place seconds become samples).
  int64_t max_batch_samples = 16000 * 60;
  // 0 = for the device. On CPU a batch of one is fastest (measured on 64 files, wav2vec2-base, 2 threads: 8.6x real time at 1,
  // 6.8x at up to 8): batching pays on GPUs, where --batch-size should be raised.
  int max_batch_size = 1;
  size_t sort_window = 64;            // utterances sorted by length together before batching
  // The batcher also flushes a window holding this much audio (so long files do not pile up in memory);
  // resolve_for_device sets the samples from the seconds, as for max_batch_seconds.
  double max_window_seconds = 600.0;
  int64_t max_window_samples = 16000 * 600;
  double max_padding_fraction = 0.1;  // an item joins a batch only if it is at least (1 - this) x its longest

  void validate() const;
  // A window of `items` pieces holding `samples` is sorted and cut now (the batcher, and bench's plan of the
  // same batches).
  bool window_full(size_t items, int64_t samples) const {
    return items >= sort_window || samples >= max_window_samples;
  }
};

// Groups utterance lengths into batches: within each window of `sort_window` consecutive items, sort by
// length (longest first) and cut batches so that size x longest <= max_batch_samples and size <=
// max_batch_size (an item longer than the cap forms a batch of its own), and a new batch starts where the
// length falls below (1 - max_padding_fraction) x the batch's longest: the bucket edges follow the length
// distribution, so padding stays small. Returns indices into `lengths`; every index appears exactly once.
std::vector<std::vector<size_t>> make_batches(const std::vector<int64_t>& lengths, const BatchingConfig& config);

// Padded samples (B x longest) minus real samples, over the padded total, for the given batches.
double padding_waste(const std::vector<int64_t>& lengths, const std::vector<std::vector<size_t>>& batches);

}  // namespace w2v2
