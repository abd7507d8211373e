#pragma once

#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "checkpoint/wav2vec2_config.h"
#include "model/checkpoint_reader.h"
#include "model/int8_linear.h"

namespace w2v2 {

struct ConvLayerWeights {
  torch::Tensor weight;       // (C_out, C_in, K)
  torch::Tensor bias;         // (C_out) or undefined (conv_bias=false)
  torch::Tensor norm_weight;  // (C_out) group norm (layer 0, group family) or layer norm; else undefined
  torch::Tensor norm_bias;
};

struct EncoderLayerWeights {
  torch::Tensor qkv_weight, qkv_bias;  // (3H, H), (3H): q, k and v projections fused at load time
  torch::Tensor out_weight, out_bias;  // (H, H), (H)
  torch::Tensor attn_norm_weight, attn_norm_bias;  // "layer_norm"
  torch::Tensor ff_in_weight, ff_in_bias;          // (F, H), (F)
  torch::Tensor ff_out_weight, ff_out_bias;        // (H, F), (H)
  torch::Tensor final_norm_weight, final_norm_bias;
  // int8 inference (Wav2Vec2Weights::quantize_int8): the four linear layers, whose float weights are then released.
  Int8Linear qkv_int8, out_int8, ff_in_int8, ff_out_int8;
};

// Immutable Wav2Vec2ForCTC weights, float32 (the products in a half type after cast_products()) on one device (CPU
// unless moved with to()), shared by every replica of the model.
struct Wav2Vec2Weights {
  std::vector<ConvLayerWeights> conv_layers;
  torch::Tensor projection_norm_weight, projection_norm_bias;  // (C_last)
  torch::Tensor projection_weight, projection_bias;            // (H, C_last), (H)
  torch::Tensor pos_conv_weight, pos_conv_bias;                // (H, H / groups, K) with weight norm folded in
  torch::Tensor encoder_norm_weight, encoder_norm_bias;        // (H)
  std::vector<EncoderLayerWeights> layers;
  torch::Tensor lm_head_weight, lm_head_bias;                  // (V, H), (V)
  Int8Linear projection_int8;                                  // int8 inference: see quantize_int8
  // The type the matrix products and convolutions run in: float32, or the half type cast_products() chose.
  torch::ScalarType product_type = torch::kFloat32;

  // Takes the tensors of a Hugging Face state dict. Missing or wrong-shaped tensors throw
  // ModelLoadError naming the key; leftover tensors of the model's own modules (e.g. a 13th layer
  // for a 12-layer config) are an error; unrelated extras (masked_spec_embed, quantizer, adapters)
  // are ignored with a debug log. Both weight-norm namings are accepted.
  static Wav2Vec2Weights from_state_dict(const Wav2Vec2Config& config, StateDict state, const std::string& source);

  // What to read of a checkpoint for `config`: the tensors of the model's own modules (the ones
  // from_state_dict takes, and leftovers it must report), at most the float32 bytes of
  // config.parameter_count() plus a quarter plus 64 MiB. Other tensors are skipped unread.
  static CheckpointSelection checkpoint_selection(const Wav2Vec2Config& config);

  // For int8 inference on the CPU: quantizes the feature projection and every encoder layer's q/k/v,
  // attention output and feed-forward layers to `weight_bits` (7 or 8) per output channel, and releases
  // their float32 weights (biases stay in the Int8Linear). The feed-forward layers read `ff_activation_bits`
  // (8 or 16, see Int8Linear), the others 8. The convolutions, norms and the CTC head stay float32.
  void quantize_int8(int weight_bits, int ff_activation_bits);

  // For bf16/fp16 inference (`type`: kBFloat16 or kHalf): the weights and biases of the matrix products and
  // convolutions are cast once, so the model runs those in `type`. Stay float32: the norms' parameters (norms
  // take float32 inputs), the first convolution (it reads the raw waveform, where a half type's 8- or 11-bit
  // mantissa would add noise; ~1 % of the conv stack's work) and the CTC head (V rows: negligible work, and
  // float32 logits keep near-ties apart).
  void cast_products(torch::ScalarType type);

  // A copy with every tensor on `device` (undefined tensors stay undefined).
  Wav2Vec2Weights to(const torch::Device& device) const;
};

// A random state dict with Hugging Face names and shapes for `config` (weight_g/weight_v naming),
// deterministic in `seed`. Used for benchmarks and loader tests of real-size configs.
StateDict random_state_dict(const Wav2Vec2Config& config, uint64_t seed);

}  // namespace w2v2
