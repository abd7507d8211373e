#pragma once

#include <string>
#include <vector>

#include "audio/audio_file_reader.h"
#include "datasets/utterance.h"
#include "pipeline/busy_time.h"
#include "pipeline/pipeline_messages.h"
#include "pipeline/trace_recorder.h"

namespace w2v2 {

struct ReadOptions {
  AudioReadOptions audio;
  bool normalize = true;  // preprocessor_config.json do_normalize
};

// The reader stage, and the one place that reads and normalizes an utterance: the file is opened once
// (AudioSource); a file up to one chunk long becomes one AudioPiece read whole, a longer one the AudioPieces
// of its chunks (ChunkingConfig), read one at a time front to back, so memory does not grow with its length.
// Each piece is normalized on its own, as the Hugging Face pipeline normalizes chunks. A file that cannot be
// read becomes a FailedPiece (stage read); a chunk that cannot be read fails its file, and the remaining chunks
// still travel (as FailedPieces) so that the file's assembly completes. Thread-safe: several reader threads
// share one ReaderStage.
class ReaderStage {
 public:
  ReaderStage(ReadOptions read, ChunkingConfig chunking, TraceRecorder& trace);

  // Reads `input` (position `index`) and emits its pieces in order; false when `emit` refused one.
  bool read(const Utterance& input, size_t index, const Sink<ReadMessage>& emit);

  // The whole file as the model sees it (resampled, normalized), without chunking (benchmarks, the padding
  // check). Throws AudioReadError.
  std::vector<float> load_whole(const std::string& path) const;

  double busy_seconds() const { return busy_.seconds(); }

 private:
  bool emit_chunks(class AudioSource& source, const std::vector<AudioChunk>& chunks, const AudioPiece& file,
                   const Sink<ReadMessage>& emit);

  ReadOptions read_;
  ChunkingConfig chunking_;
  TraceRecorder& trace_;
  BusyTime busy_;
};

}  // namespace w2v2
