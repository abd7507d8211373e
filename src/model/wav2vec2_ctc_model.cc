#include "model/wav2vec2_ctc_model.h"

#include <torch/torch.h>

#include <cmath>
#include <cstdint>

#include "common/error.h"

namespace w2v2 {
namespace {

namespace F = torch::nn::functional;

// Group norm with one group per channel whose statistics cover only the first `lengths[b]` frames.
// x (B, C, T), lengths (B,) int64 -> (B, C, T)
torch::Tensor masked_group_norm(const torch::Tensor& x, const torch::Tensor& lengths, const torch::Tensor& weight,
                                const torch::Tensor& bias, double eps) {
  const int64_t T = x.size(2);
  const torch::Tensor mask = (torch::arange(T, lengths.options()).unsqueeze(0) < lengths.unsqueeze(1))
                                 .unsqueeze(1)
                                 .to(x.scalar_type());                                   // (B, 1, T)
  const torch::Tensor count = lengths.clamp_min(1).to(x.scalar_type()).view({-1, 1, 1});  // (B, 1, 1)
  const torch::Tensor mean = (x * mask).sum(2, /*keepdim=*/true) / count;
  const torch::Tensor centered = x - mean;
  const torch::Tensor var = (centered * mask).pow(2).sum(2, /*keepdim=*/true) / count;
  return centered * torch::rsqrt(var + eps) * weight.view({1, -1, 1}) + bias.view({1, -1, 1});
}

// Conv-stack output length: floor((L - K) / S) + 1, and 0 when L < K.
torch::Tensor conv_output_lengths(const torch::Tensor& lengths, int64_t kernel, int64_t stride) {
  return torch::where(lengths >= kernel, torch::div(lengths - kernel, stride, "floor") + 1,
                      torch::zeros_like(lengths));
}

// `x` in `type`: itself when it already is (so float32 models trace no casts).
torch::Tensor as(const torch::Tensor& x, torch::ScalarType type) {
  return x.scalar_type() == type ? x : x.to(type);
}

// x (..., K) -> (..., N): through the int8 layer where the weights were quantized, else in the weights' type
// (float32, or bf16/fp16: then the output is in that type too).
torch::Tensor linear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                     const Int8Linear& int8) {
  return int8.defined() ? int8(x) : torch::linear(as(x, weight.scalar_type()), weight, bias);
}

// Layer norm over the last dimension, in float32 whatever the input's type (norm parameters stay float32).
// x (..., C) -> (..., C) float32
torch::Tensor layer_norm(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias, double eps) {
  return torch::layer_norm(as(x, torch::kFloat32), {x.size(-1)}, weight, bias, eps);
}

}  // namespace

Wav2Vec2CtcModel::Wav2Vec2CtcModel(Wav2Vec2Config config, std::shared_ptr<const Wav2Vec2Weights> weights)
    : config_(std::move(config)), weights_(std::move(weights)) {
  config_.validate();
  W2V2_CHECK_AS(ModelLoadError, weights_ != nullptr, "Wav2Vec2CtcModel: null weights");
}

torch::Tensor Wav2Vec2CtcModel::frame_lengths(const torch::Tensor& lengths) const {
  torch::Tensor out = lengths;
  for (size_t i = 0; i < config_.conv_kernel.size(); ++i) {
    out = conv_output_lengths(out, config_.conv_kernel[i], config_.conv_stride[i]);
  }
  return out;
}

torch::Tensor Wav2Vec2CtcModel::extract_features(const torch::Tensor& waveforms, const torch::Tensor& lengths,
                                                 bool static_graph) const {
  torch::Tensor x = waveforms.unsqueeze(1);  // (B, 1, S)
  torch::Tensor layer_lengths = lengths;
  for (size_t i = 0; i < weights_->conv_layers.size(); ++i) {
    const ConvLayerWeights& layer = weights_->conv_layers[i];
    x = torch::conv1d(as(x, layer.weight.scalar_type()), layer.weight, layer.bias,
                      config_.conv_stride[i]);  // (B, C_i, T_i)
    layer_lengths = conv_output_lengths(layer_lengths, config_.conv_kernel[i], config_.conv_stride[i]);
    if (layer.norm_weight.defined()) {
      if (config_.feat_extract_norm == FeatExtractNorm::kLayer) {
        x = layer_norm(x.transpose(1, 2), layer.norm_weight, layer.norm_bias, 1e-5).transpose(1, 2);
      } else if (!static_graph && (layer_lengths == x.size(2)).all().item<bool>()) {
        x = torch::group_norm(as(x, torch::kFloat32), x.size(1), layer.norm_weight, layer.norm_bias, 1e-5);
      } else {
        x = masked_group_norm(as(x, torch::kFloat32), layer_lengths, layer.norm_weight, layer.norm_bias, 1e-5);
      }
    }
    x = torch::gelu(x);
  }
  return x.transpose(1, 2);  // (B, T, C_last)
}

torch::Tensor Wav2Vec2CtcModel::encode(const torch::Tensor& features, const torch::Tensor& frame_lengths,
                                       bool padded) const {
  const Wav2Vec2Weights& w = *weights_;
  const double eps = config_.layer_norm_eps;
  const int64_t B = features.size(0);
  const int64_t T = features.size(1);
  const int64_t H = config_.hidden_size;
  const int64_t heads = config_.num_attention_heads;
  const int64_t head_dim = H / heads;

  // The residual stream x stays float32 in every precision; products run in w.product_type.
  torch::Tensor x = layer_norm(features, w.projection_norm_weight, w.projection_norm_bias, eps);
  x = as(linear(x, w.projection_weight, w.projection_bias, w.projection_int8), torch::kFloat32);  // (B, T, H)

  torch::Tensor key_mask;  // (B, 1, 1, T) additive: 0 for valid keys, -inf for padding; in the product type
  if (padded) {
    const torch::Tensor pad = torch::arange(T, frame_lengths.options()).unsqueeze(0) >= frame_lengths.unsqueeze(1);
    x = x.masked_fill(pad.unsqueeze(2), 0.0);
    key_mask = torch::zeros({B, 1, 1, T}, x.options().dtype(w.product_type))  // -inf is a half type's too
                   .masked_fill(pad.view({B, 1, 1, T}), -std::numeric_limits<float>::infinity());
  }

  // Positional conv embedding: "same" padding, the extra frame of an even kernel trimmed.
  const int64_t K = config_.num_conv_pos_embeddings;
  torch::Tensor pos = torch::conv1d(as(x.transpose(1, 2), w.pos_conv_weight.scalar_type()), w.pos_conv_weight,
                                    w.pos_conv_bias, 1, K / 2, 1,
                                    config_.num_conv_pos_embedding_groups);  // (B, H, T + 1 - K % 2)
  if (K % 2 == 0) pos = pos.narrow(2, 0, T);
  x = x + torch::gelu(pos).transpose(1, 2);  // float32 + product type -> float32

  const bool pre_norm = config_.do_stable_layer_norm;
  if (!pre_norm) x = layer_norm(x, w.encoder_norm_weight, w.encoder_norm_bias, eps);

  const double scale = 1.0 / std::sqrt(static_cast<double>(head_dim));
  for (const EncoderLayerWeights& layer : w.layers) {
    const torch::Tensor residual = x;
    torch::Tensor h = pre_norm ? layer_norm(x, layer.attn_norm_weight, layer.attn_norm_bias, eps) : x;
    // (B, T, 3H) -> 3 x (B, heads, T, head_dim)
    const torch::Tensor qkv = linear(h, layer.qkv_weight, layer.qkv_bias, layer.qkv_int8)
                                  .view({B, T, 3, heads, head_dim})
                                  .permute({2, 0, 3, 1, 4});
    torch::Tensor scores = torch::matmul(qkv[0] * scale, qkv[1].transpose(2, 3));  // (B, heads, T, T)
    if (padded) scores = scores + key_mask;  // in the product type: adding 0 to a valid key's score is exact
    const torch::Tensor probs = as(torch::softmax(scores, -1, torch::kFloat32), qkv.scalar_type());
    const torch::Tensor context = torch::matmul(probs, qkv[2])  // (B, heads, T, head_dim)
                                      .transpose(1, 2)
                                      .reshape({B, T, H});
    x = residual + linear(context, layer.out_weight, layer.out_bias, layer.out_int8);
    if (!pre_norm) x = layer_norm(x, layer.attn_norm_weight, layer.attn_norm_bias, eps);
    h = pre_norm ? layer_norm(x, layer.final_norm_weight, layer.final_norm_bias, eps) : x;
    h = linear(torch::gelu(linear(h, layer.ff_in_weight, layer.ff_in_bias, layer.ff_in_int8)), layer.ff_out_weight,
               layer.ff_out_bias, layer.ff_out_int8);
    x = x + h;
    if (!pre_norm) x = layer_norm(x, layer.final_norm_weight, layer.final_norm_bias, eps);
  }
  if (pre_norm) x = layer_norm(x, w.encoder_norm_weight, w.encoder_norm_bias, eps);
  return x;
}

torch::Tensor Wav2Vec2CtcModel::forward(const torch::Tensor& waveforms, const torch::Tensor& lengths,
                                        bool static_graph) const {
  W2V2_CHECK(waveforms.dim() == 2 && waveforms.scalar_type() == torch::kFloat32,
             "waveforms must be (B, S) float32; got ", waveforms.sizes());
  W2V2_CHECK(lengths.dim() == 1 && lengths.size(0) == waveforms.size(0) && lengths.scalar_type() == torch::kInt64,
             "lengths must be (B,) int64 matching the batch");
  const int64_t S = waveforms.size(1);
  const int64_t T = config_.output_frames(S);
  W2V2_CHECK(T > 0, "input of ", S, " samples is shorter than the receptive field (", config_.receptive_field(),
             " samples)");
  const torch::Tensor features = extract_features(waveforms, lengths, static_graph);  // (B, T, C)
  const torch::Tensor frames = frame_lengths(lengths);
  const bool padded = static_graph || !(frames == T).all().item<bool>();
  const torch::Tensor hidden = encode(features, frames, padded);
  return torch::linear(hidden, weights_->lm_head_weight, weights_->lm_head_bias);  // (B, T, V)
}

}  // namespace w2v2
