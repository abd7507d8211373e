#pragma once

#include <optional>
#include <string>

#include "datasets/utterance.h"
#include "decoding/ctc_greedy_decoder.h"
#include "metrics/scoring_report.h"
#include "output/utterance_result.h"
#include "engine/batch_engine.h"
#include "text/detokenizer.h"

namespace w2v2 {

// Turns one utterance's logits into its result: greedy CTC decoding, detokenizing and, when a logits
// folder is set, the .npy file <logits_dir>/<output_stem>.npy. Thread-safe (const).
class TranscriptBuilder {
 public:
  // `frame_seconds`: audio per output frame (total conv stride / sample rate), for word timings.
  TranscriptBuilder(int blank_id, const Detokenizer& detokenizer, std::string logits_dir,
                    std::optional<ScoringOptions> scoring = std::nullopt, double frame_seconds = 0.02)
      : decoder_(blank_id),
        detokenizer_(detokenizer),
        logits_dir_(std::move(logits_dir)),
        scoring_(scoring),
        frame_seconds_(frame_seconds) {}

  // Fills result.text and result.words (or the failure fields, stage "decode" / "output") and, when scoring
  // is on and the utterance has a reference, result.score (WER/CER in the decode pool, off the device's path).
  void build(const Utterance& utterance, const UtteranceLogits& logits, UtteranceResult& result) const;

 private:
  CtcGreedyDecoder decoder_;
  const Detokenizer& detokenizer_;
  std::string logits_dir_;
  std::optional<ScoringOptions> scoring_;
  double frame_seconds_;
};

}  // namespace w2v2
