#pragma once

#include <string>

#include "pipeline/audio_chunker.h"
#include "pipeline/length_bucketer.h"

namespace w2v2 {

struct PipelineConfig {
  bool enabled = true;       // false: the naive serial loop (read, forward, decode one at a time)
  int reader_threads = 1;    // load + resample + normalize
  int decode_threads = 4;    // CTC decoding, detokenizing, logits files
  size_t queue_capacity = 8; // per stage queue (items or batches)
  size_t check_padding = 0;  // re-run this many batched utterances alone and compare (0 = off)
  BatchingConfig batching;
  ChunkingConfig chunking;   // long files are split into overlapping chunks that batch like any input

  void validate() const;
  std::string to_string() const;
};

}  // namespace w2v2
