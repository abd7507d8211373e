#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "audio/audio_file_reader.h"
#include "features/waveform_normalizer.h"
#include "output/npy_file.h"
#include "engine/batch_engine.h"
#include "support/test_support.h"

namespace w2v2::test {

// The parity fixtures (scripts/make_reference_fixtures.py): three signals, reference logits per family.
constexpr double kParityTolerance = 1e-4;
inline const std::vector<std::string> kParitySignals{"sig_a", "sig_b", "sig_c"};

// tests/fixtures/audio/<name>.wav, normalized as the pipeline does.
inline std::vector<float> load_normalized(const std::string& name) {
  Waveform w = read_audio_file(fixture("audio/" + name + ".wav"));
  normalize_waveform(w.samples);
  return w.samples;
}

// tests/fixtures/reference/<family>/<signal>.npy: (frames, vocab) logits of the reference implementation.
inline NpyArray reference_logits(const std::string& family, const std::string& signal) {
  return read_npy(fixture("reference/" + family + "/" + signal + ".npy"));
}

// Largest |ours - reference|; infinity when the shapes differ.
inline double max_abs_diff(const UtteranceLogits& ours, const NpyArray& reference) {
  EXPECT_EQ(ours.frames, reference.shape.at(0));
  EXPECT_EQ(ours.vocab, reference.shape.at(1));
  if (ours.data.size() != reference.data.size()) return INFINITY;
  double diff = 0;
  for (size_t i = 0; i < ours.data.size(); ++i) {
    diff = std::max(diff, static_cast<double>(std::abs(ours.data[i] - reference.data[i])));
  }
  return diff;
}

// Largest |a - b| of two results; infinity when the shapes differ.
inline double max_abs_diff(const UtteranceLogits& a, const UtteranceLogits& b) {
  if (a.frames != b.frames || a.vocab != b.vocab || a.data.size() != b.data.size()) return INFINITY;
  double diff = 0;
  for (size_t i = 0; i < a.data.size(); ++i) diff = std::max(diff, static_cast<double>(std::abs(a.data[i] - b.data[i])));
  return diff;
}

// Mean |other − reference| / mean |reference| over an utterance's logits, and the share of frames whose best
// unit agrees: how close a reduced precision (int8, bf16, fp16, tf32) stays to float32.
struct LogitsAgreement {
  double relative_error = 0;
  double argmax_agreement = 0;
};
inline LogitsAgreement compare_logits(const UtteranceLogits& other, const UtteranceLogits& reference) {
  EXPECT_EQ(other.frames, reference.frames);
  EXPECT_EQ(other.vocab, reference.vocab);
  if (other.data.size() != reference.data.size() || reference.frames == 0) return {INFINITY, 0.0};
  const auto V = static_cast<size_t>(reference.vocab);
  double diff = 0, norm = 0;
  size_t agree = 0;
  for (size_t t = 0; t < static_cast<size_t>(reference.frames); ++t) {
    size_t best_a = 0, best_b = 0;
    for (size_t v = 0; v < V; ++v) {
      diff += std::abs(other.data[t * V + v] - reference.data[t * V + v]);
      norm += std::abs(reference.data[t * V + v]);
      if (other.data[t * V + v] > other.data[t * V + best_a]) best_a = v;
      if (reference.data[t * V + v] > reference.data[t * V + best_b]) best_b = v;
    }
    agree += best_a == best_b;
  }
  return {diff / norm, static_cast<double>(agree) / static_cast<double>(reference.frames)};
}

}  // namespace w2v2::test
