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

}  // namespace w2v2::test
