#pragma once

#include <optional>
#include <string>
#include <vector>

#include "metrics/error_rate.h"

namespace w2v2 {

enum class UtteranceStatus { kOk, kFailed };

// Where a failed input stopped. Written as "read", "model", "decode", "output" (JSONL "stage", CSV, reports).
enum class FailureStage { kNone, kRead, kModel, kDecode, kOutput };
const char* to_string(FailureStage stage);  // "" for kNone
// "read" -> kRead ...; "" -> kNone; anything else -> false.
bool parse_failure_stage(const std::string& text, FailureStage& stage);

// One word of a transcript with its place in the audio (from the CTC alignment) and the model's mean
// probability over its frames.
struct WordTiming {
  std::string word;
  double start_seconds = 0.0;
  double end_seconds = 0.0;
  double confidence = 0.0;  // 0..1
};

// One of the decoder's n best transcripts (--nbest N > 1) with its scores (natural log): `score` what the
// decoder ranked by, = `acoustic_score` + `lm_score` (+ hotword boosts); greedy decoding's one hypothesis has
// its best path's log-probability.
struct TranscriptAlternative {
  std::string text;
  double score = 0.0;
  double acoustic_score = 0.0;
  double lm_score = 0.0;
};

// What the run produced for one input.
struct UtteranceResult {
  size_t index = 0;
  std::string id;
  std::string path;
  std::string output_stem;  // per-input output files: <output dir>/<output_stem>.<ext>
  UtteranceStatus status = UtteranceStatus::kOk;
  std::string text;
  std::vector<WordTiming> words;  // the words of `text` with timings
  // With --nbest N > 1: up to N transcripts, best first; the first is `text` itself (as pyctcdecode's beams).
  std::vector<TranscriptAlternative> alternatives;
  double duration_seconds = 0.0;  // audio duration after resampling
  // What was read (AudioFormat): e.g. "mov,mp4,m4a,3gp,3g2,mj2" and "aac"; empty when the file could not be opened.
  std::string container;
  std::string codec;
  double latency_seconds = 0.0;   // from the start of its read to the end of its decode
  FailureStage error_stage = FailureStage::kNone;  // when failed
  std::string error;
  std::optional<UtteranceScore> score;  // when the utterance has a reference and scoring is on
};

// The one way a result becomes a failure: status, stage and error set, transcript cleared, and one warning
// logged ("<path>: failed at <stage>: <first line of error>").
void mark_failed(UtteranceResult& result, FailureStage stage, const std::string& error);

}  // namespace w2v2
