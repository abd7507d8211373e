#pragma once

#include <torch/types.h>

#include <memory>

#include "checkpoint/wav2vec2_config.h"
#include "model/wav2vec2_weights.h"

namespace w2v2 {

// Wav2Vec2ForCTC inference (both published families) over shared immutable weights.
// Padding-invariant: an utterance in a zero-padded batch gives the logits it gives alone, because
// the group norm of conv layer 0 takes its statistics over the valid samples only, padded frames are
// zeroed before the positional conv, and attention masks padded keys.
class Wav2Vec2CtcModel {
 public:
  Wav2Vec2CtcModel(Wav2Vec2Config config, std::shared_ptr<const Wav2Vec2Weights> weights);

  // `waveforms` (B, S) float32, normalized, zero-padded; `lengths` (B,) int64 valid samples
  // -> logits (B, T, V) float32 with T = output_frames(S). Rows t >= frame_lengths(lengths)[b] are padding.
  // `static_graph`: no data-dependent branches (masked group norm and the key mask are always applied),
  // so the computation can be traced once per shape and replayed for any lengths of that shape.
  torch::Tensor forward(const torch::Tensor& waveforms, const torch::Tensor& lengths, bool static_graph = false) const;

  // (B,) int64 samples -> (B,) int64 valid output frames.
  torch::Tensor frame_lengths(const torch::Tensor& lengths) const;

  const Wav2Vec2Config& config() const { return config_; }

 private:
  // (B, S), (B,) -> features (B, T, C_last)
  torch::Tensor extract_features(const torch::Tensor& waveforms, const torch::Tensor& lengths, bool static_graph) const;
  // features (B, T, C_last), frame lengths (B,) -> hidden states (B, T, H)
  torch::Tensor encode(const torch::Tensor& features, const torch::Tensor& frame_lengths, bool padded) const;

  Wav2Vec2Config config_;
  std::shared_ptr<const Wav2Vec2Weights> weights_;
};

}  // namespace w2v2
