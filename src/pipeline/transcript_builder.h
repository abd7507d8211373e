#pragma once

#include <optional>
#include <string>

#include "datasets/utterance.h"
#include "decoding/ctc_decoder.h"
#include "engine/batch_engine.h"
#include "metrics/scoring_report.h"
#include "output/utterance_result.h"
#include "text/detokenizer.h"

namespace w2v2 {

// What TranscriptBuilder does besides decoding.
struct TranscriptBuilderOptions {
  std::string logits_dir;                 // when set, <logits_dir>/<output_stem>.npy: the raw logits
  std::optional<ScoringOptions> scoring;  // when set, utterances with a reference are scored
  double frame_seconds = 0.02;            // audio per output frame (total conv stride / sample rate)
  int nbest = 1;                          // > 1: result.alternatives holds up to this many, best first
};

// Turns one utterance's logits into its result, composing the torch-free parts: log-softmax (on a copy: the
// logits file keeps raw logits) -> CtcDecoder::decode -> detokenize the best hypothesis -> word timings and
// confidences from its alignment (align_words) -> n-best alternatives -> logits file -> WER/CER.
// Thread-safe (const): the decode pool shares one.
class TranscriptBuilder {
 public:
  // `decoder` and `detokenizer` must outlive the builder.
  TranscriptBuilder(const CtcDecoder& decoder, const Detokenizer& detokenizer, TranscriptBuilderOptions options = {})
      : decoder_(decoder), detokenizer_(detokenizer), options_(std::move(options)) {}

  // Fills result.text, result.words, result.alternatives (nbest > 1) (or the failure fields, stage "decode" /
  // "output") and, when scoring is on and the utterance has a reference, result.score (WER/CER in the decode
  // pool, off the device's path).
  void build(const Utterance& utterance, const UtteranceLogits& logits, UtteranceResult& result) const;

  const TranscriptBuilderOptions& options() const { return options_; }

 private:
  const CtcDecoder& decoder_;
  const Detokenizer& detokenizer_;
  TranscriptBuilderOptions options_;
};

}  // namespace w2v2
