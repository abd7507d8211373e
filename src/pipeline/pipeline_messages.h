#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <variant>
#include <vector>

#include "output/utterance_result.h"
#include "pipeline/audio_chunker.h"
#include "engine/batch_engine.h"

namespace w2v2 {

// The typed messages that travel between the pipeline's stages (see src/README.md):
//   reader -ReadMessage-> batcher -BatchMessage-> device -ComputedMessage-> decode pool -ResultMessage-> writer.
// Every queue ends with EndOfStream messages; a closed queue only ever means "abort".

using PipelineClock = std::chrono::steady_clock;

// One piece of audio on its way to the model: a whole input, or one chunk of a long one.
struct AudioPiece {
  size_t index = 0;  // the input's position
  PipelineClock::time_point read_start;
  std::vector<float> samples;  // (samples,) 16 kHz, normalized when the model asks for it
  UtteranceResult result;      // id, path, output stem and duration so far
  size_t chunk_index = 0;      // which chunk of `chunk_count`
  size_t chunk_count = 0;      // 0: a whole input
  AudioChunk chunk;            // where the chunk lies in the file, and its context
};

// A piece whose input failed (result.status kFailed, stage and error set). It bypasses the model, and a
// failed chunk still reaches its file's assembly in the decode pool.
struct FailedPiece {
  AudioPiece piece;
};

struct EndOfStream {};  // this producer has nothing more

// The device stage's signal to the batcher: "I have nothing to run; batch what your window holds now".
struct DeviceIdle {};

// Pieces sorted and grouped for one forward pass.
struct Batch {
  std::vector<AudioPiece> items;
};

// A piece the model ran: its logits (frames, vocab) without padding frames.
struct ComputedPiece {
  AudioPiece piece;
  UtteranceLogits logits;
  bool padded = false;  // shorter than the longest member of its batch
};

using ReadMessage = std::variant<AudioPiece, FailedPiece, DeviceIdle, EndOfStream>;
using BatchMessage = std::variant<Batch, FailedPiece, EndOfStream>;
using ComputedMessage = std::variant<ComputedPiece, FailedPiece, EndOfStream>;
using ResultMessage = std::variant<UtteranceResult, EndOfStream>;

// Where a stage sends what it produced: false once the consumer is gone (the run is aborting), and the
// stage then stops.
template <typename T>
using Sink = std::function<bool(T)>;

}  // namespace w2v2
