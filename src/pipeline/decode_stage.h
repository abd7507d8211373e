#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "datasets/utterance.h"
#include "pipeline/transcript_builder.h"
#include "pipeline/busy_time.h"
#include "pipeline/pipeline_messages.h"
#include "pipeline/trace_recorder.h"

namespace w2v2 {

// Logits an utterance had in a zero-padded batch, with its transcript, kept for --check-padding.
struct PaddedSample {
  UtteranceLogits logits;
  std::string text;
};

// The decode pool's stage: turns a piece's logits into its input's result (TranscriptBuilder: CTC decoding,
// detokenizing, word timings, logits files, scoring). The chunks of a long file are held, without their
// context frames, until the last one arrives; their concatenation is decoded as the file's result (the file
// fails with its first failed chunk's error). Failed whole inputs pass on as results. Thread-safe: the pool's
// threads share one DecodeStage.
class DecodeStage {
 public:
  // `keep_padded`: how many padded utterances to keep for the padding check (0 = none).
  DecodeStage(const TranscriptBuilder& builder, const std::vector<Utterance>& inputs, size_t keep_padded,
              TraceRecorder& trace);

  // False when `emit` refused. EndOfStream is not passed on: each decode thread tells the writer itself.
  bool accept(ComputedMessage message, const Sink<UtteranceResult>& emit);

  double busy_seconds() const { return busy_.seconds(); }
  std::map<size_t, PaddedSample> take_padded();  // input index -> what it decoded to in its batch

 private:
  // The pieces of one long file, gathered until all have arrived.
  struct Assembly {
    std::vector<UtteranceLogits> parts;
    size_t received = 0;
    std::optional<UtteranceResult> failure;  // of the first failed piece
  };
  // A chunk: its trimmed logits are kept; true (and `piece`, `logits` become the whole file's) when it was
  // the last of its file.
  bool assemble(AudioPiece& piece, UtteranceLogits& logits, bool failed);

  const TranscriptBuilder& builder_;
  const std::vector<Utterance>& inputs_;
  size_t keep_padded_;
  TraceRecorder& trace_;
  BusyTime busy_;
  std::mutex mutex_;
  std::map<size_t, Assembly> assemblies_;  // input index -> pieces so far
  std::map<size_t, PaddedSample> padded_;
};

}  // namespace w2v2
