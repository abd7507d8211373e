#pragma once

#include <string>

#include "pipeline/audio_chunker.h"
#include "pipeline/length_bucketer.h"
#include "engine/device.h"

namespace w2v2 {

struct PipelineConfig {
  bool enabled = true;       // false: the same stages one after another on the calling thread (no overlap)
  int reader_threads = 1;    // load + resample + normalize; 0 = for the device (resolve_for_device)
  int decode_threads = 4;    // CTC decoding, detokenizing, logits files
  size_t queue_capacity = 8; // per stage queue (items or batches)
  size_t check_padding = 0;  // re-run this many batched utterances alone and compare (0 = off)
  // An asynchronous device (GPU) that would run dry gets the batcher's partial window at once, so batches
  // depend on timing. true: full sort windows only, as on the CPU, so batches (and the logits' last bits)
  // repeat run to run, at the cost of device idle time while windows fill.
  bool reproducible_batches = false;
  BatchingConfig batching;
  ChunkingConfig chunking;   // long files are split into overlapping chunks that batch like any input

  void validate() const;
  std::string to_string() const;

  // Settings left at 0 ("for the device": reader_threads, batching.max_batch_size, batching.max_batch_seconds)
  // get the device's defaults. CPU: one reader, batches of one, 60 s of padded audio (a batch of one is
  // fastest there). GPU (`device.is_gpu()`; pass the engine's resolved BatchEngine::device()): half the cores
  // as readers (2..8), batches of up to 16 and 320 s, so that host work keeps up with a device that runs
  // ~1000x real time. Then batching.max_batch_samples = max_batch_seconds at `sample_rate_hz` (the audio's
  // AudioReadOptions::target_sample_rate_hz). Idempotent.
  void resolve_for_device(const Device& device, unsigned cores, int sample_rate_hz);
};

}  // namespace w2v2
