#include "model/wav2vec2_weights.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <cstdint>
#include <new>

#include "common/error.h"

namespace w2v2 {
namespace {

// The modules a Wav2Vec2ForCTC checkpoint's tensors belong to; other tensors (masked_spec_embed,
// quantizer, adapters) are not used for CTC inference.
const std::vector<std::string> kOwnedPrefixes = {"wav2vec2.feature_extractor.", "wav2vec2.feature_projection.",
                                                 "wav2vec2.encoder.", "lm_head."};

bool owned(const std::string& key) {
  for (const auto& prefix : kOwnedPrefixes) {
    if (key.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

class KeyTaker {
 public:
  KeyTaker(StateDict state, std::string source) : state_(std::move(state)), source_(std::move(source)) {}

  torch::Tensor take(const std::string& key, const std::vector<int64_t>& shape) {
    auto it = state_.find(key);
    W2V2_CHECK_AS(ModelLoadError, it != state_.end(), source_, ": missing tensor '", key, "'");
    torch::Tensor t = it->second;
    state_.erase(it);
    W2V2_CHECK_AS(ModelLoadError, t.sizes().vec() == shape, source_, ": tensor '", key, "' has shape ",
                  t.sizes(), " but the config needs ", torch::IntArrayRef(shape));
    return t.contiguous();
  }

  bool has(const std::string& key) const { return state_.count(key) > 0; }

  // Fails on leftovers that belong to modules this model owns; logs the harmless rest.
  void finish() const {
    for (const auto& [key, tensor] : state_) {
      W2V2_CHECK_AS(ModelLoadError, !owned(key), source_, ": unexpected tensor '", key,
                    "': the checkpoint does not match config.json");
      spdlog::debug("{}: ignoring tensor '{}' (not used for CTC inference)", source_, key);
    }
  }

 private:
  StateDict state_;
  std::string source_;
};

// w = g * v / ||v||, the norm taken over every dimension except `dim` (2 for the positional conv).
torch::Tensor fold_weight_norm(const torch::Tensor& g, const torch::Tensor& v) {
  const torch::Tensor norm = v.pow(2).sum(torch::IntArrayRef{0, 1}, /*keepdim=*/true).sqrt();
  return (g * v / norm).contiguous();
}

Wav2Vec2Weights build_weights(const Wav2Vec2Config& config, StateDict state, const std::string& source);

}  // namespace

Wav2Vec2Weights Wav2Vec2Weights::from_state_dict(const Wav2Vec2Config& config, StateDict state,
                                                 const std::string& source) {
  try {
    return build_weights(config, std::move(state), source);
  } catch (const std::bad_alloc&) {
    throw ModelLoadError(source + ": out of memory while preparing the weights");
  } catch (const c10::Error& e) {
    throw ModelLoadError(source + ": cannot prepare the weights: " + e.what_without_backtrace());
  }
}

namespace {

Wav2Vec2Weights build_weights(const Wav2Vec2Config& config, StateDict state, const std::string& source) {
  config.validate();
  KeyTaker keys(std::move(state), source);
  Wav2Vec2Weights w;
  const int64_t H = config.hidden_size;
  int64_t in_channels = 1;
  for (size_t i = 0; i < config.conv_dim.size(); ++i) {
    const std::string p = "wav2vec2.feature_extractor.conv_layers." + std::to_string(i) + ".";
    const int64_t out = config.conv_dim[i];
    ConvLayerWeights layer;
    layer.weight = keys.take(p + "conv.weight", {out, in_channels, config.conv_kernel[i]});
    if (config.conv_bias) layer.bias = keys.take(p + "conv.bias", {out});
    const bool normed = config.feat_extract_norm == FeatExtractNorm::kLayer || i == 0;
    if (normed) {
      layer.norm_weight = keys.take(p + "layer_norm.weight", {out});
      layer.norm_bias = keys.take(p + "layer_norm.bias", {out});
    }
    w.conv_layers.push_back(layer);
    in_channels = out;
  }
  w.projection_norm_weight = keys.take("wav2vec2.feature_projection.layer_norm.weight", {in_channels});
  w.projection_norm_bias = keys.take("wav2vec2.feature_projection.layer_norm.bias", {in_channels});
  w.projection_weight = keys.take("wav2vec2.feature_projection.projection.weight", {H, in_channels});
  w.projection_bias = keys.take("wav2vec2.feature_projection.projection.bias", {H});

  const std::string pos = "wav2vec2.encoder.pos_conv_embed.conv.";
  const int64_t K = config.num_conv_pos_embeddings;
  const std::vector<int64_t> pos_shape{H, H / config.num_conv_pos_embedding_groups, K};
  if (keys.has(pos + "weight_g")) {
    const auto g = keys.take(pos + "weight_g", {1, 1, K});
    w.pos_conv_weight = fold_weight_norm(g, keys.take(pos + "weight_v", pos_shape));
  } else if (keys.has(pos + "parametrizations.weight.original0")) {
    const auto g = keys.take(pos + "parametrizations.weight.original0", {1, 1, K});
    w.pos_conv_weight = fold_weight_norm(g, keys.take(pos + "parametrizations.weight.original1", pos_shape));
  } else {
    w.pos_conv_weight = keys.take(pos + "weight", pos_shape);  // weight norm already removed
  }
  w.pos_conv_bias = keys.take(pos + "bias", {H});
  w.encoder_norm_weight = keys.take("wav2vec2.encoder.layer_norm.weight", {H});
  w.encoder_norm_bias = keys.take("wav2vec2.encoder.layer_norm.bias", {H});

  const int64_t F = config.intermediate_size;
  for (int i = 0; i < config.num_hidden_layers; ++i) {
    const std::string p = "wav2vec2.encoder.layers." + std::to_string(i) + ".";
    EncoderLayerWeights layer;
    std::vector<torch::Tensor> qkv_w, qkv_b;
    for (const char* name : {"q_proj", "k_proj", "v_proj"}) {
      qkv_w.push_back(keys.take(p + "attention." + name + ".weight", {H, H}));
      qkv_b.push_back(keys.take(p + "attention." + name + ".bias", {H}));
    }
    layer.qkv_weight = torch::cat(qkv_w, 0).contiguous();
    layer.qkv_bias = torch::cat(qkv_b, 0).contiguous();
    layer.out_weight = keys.take(p + "attention.out_proj.weight", {H, H});
    layer.out_bias = keys.take(p + "attention.out_proj.bias", {H});
    layer.attn_norm_weight = keys.take(p + "layer_norm.weight", {H});
    layer.attn_norm_bias = keys.take(p + "layer_norm.bias", {H});
    layer.ff_in_weight = keys.take(p + "feed_forward.intermediate_dense.weight", {F, H});
    layer.ff_in_bias = keys.take(p + "feed_forward.intermediate_dense.bias", {F});
    layer.ff_out_weight = keys.take(p + "feed_forward.output_dense.weight", {H, F});
    layer.ff_out_bias = keys.take(p + "feed_forward.output_dense.bias", {H});
    layer.final_norm_weight = keys.take(p + "final_layer_norm.weight", {H});
    layer.final_norm_bias = keys.take(p + "final_layer_norm.bias", {H});
    w.layers.push_back(layer);
  }
  w.lm_head_weight = keys.take("lm_head.weight", {config.vocab_size, H});
  w.lm_head_bias = keys.take("lm_head.bias", {config.vocab_size});
  keys.finish();
  return w;
}

}  // namespace

CheckpointSelection Wav2Vec2Weights::checkpoint_selection(const Wav2Vec2Config& config) {
  config.validate();
  const uint64_t bytes = static_cast<uint64_t>(config.parameter_count()) * sizeof(float);
  CheckpointSelection selection;
  selection.wanted = owned;
  selection.max_bytes = bytes + bytes / 4 + (64ull << 20);
  return selection;
}

StateDict random_state_dict(const Wav2Vec2Config& config, uint64_t seed) {
  config.validate();
  torch::NoGradGuard no_grad;
  auto gen = at::detail::createCPUGenerator(seed);
  auto normal = [&](std::vector<int64_t> shape, double stddev) {
    return at::normal(0.0, stddev, shape, gen).to(torch::kFloat32);
  };
  auto around_one = [&](int64_t n) { return 1.0 + normal({n}, 0.1); };
  StateDict s;
  const int64_t H = config.hidden_size;
  int64_t in_channels = 1;
  for (size_t i = 0; i < config.conv_dim.size(); ++i) {
    const std::string p = "wav2vec2.feature_extractor.conv_layers." + std::to_string(i) + ".";
    const int64_t out = config.conv_dim[i];
    const double fan_in = static_cast<double>(in_channels * config.conv_kernel[i]);
    s[p + "conv.weight"] = normal({out, in_channels, config.conv_kernel[i]}, std::sqrt(2.0 / fan_in));
    if (config.conv_bias) s[p + "conv.bias"] = normal({out}, 0.02);
    if (config.feat_extract_norm == FeatExtractNorm::kLayer || i == 0) {
      s[p + "layer_norm.weight"] = around_one(out);
      s[p + "layer_norm.bias"] = normal({out}, 0.02);
    }
    in_channels = out;
  }
  s["wav2vec2.feature_projection.layer_norm.weight"] = around_one(in_channels);
  s["wav2vec2.feature_projection.layer_norm.bias"] = normal({in_channels}, 0.02);
  s["wav2vec2.feature_projection.projection.weight"] = normal({H, in_channels}, 0.02);
  s["wav2vec2.feature_projection.projection.bias"] = normal({H}, 0.02);
  const int64_t K = config.num_conv_pos_embeddings;
  const int64_t per_group = H / config.num_conv_pos_embedding_groups;
  s["wav2vec2.encoder.pos_conv_embed.conv.weight_v"] = normal({H, per_group, K}, std::sqrt(4.0 / (K * H)));
  s["wav2vec2.encoder.pos_conv_embed.conv.weight_g"] = (1.0 + normal({1, 1, K}, 0.1)).abs();
  s["wav2vec2.encoder.pos_conv_embed.conv.bias"] = normal({H}, 0.02);
  s["wav2vec2.encoder.layer_norm.weight"] = around_one(H);
  s["wav2vec2.encoder.layer_norm.bias"] = normal({H}, 0.02);
  const int64_t F = config.intermediate_size;
  for (int i = 0; i < config.num_hidden_layers; ++i) {
    const std::string p = "wav2vec2.encoder.layers." + std::to_string(i) + ".";
    for (const char* name : {"q_proj", "k_proj", "v_proj", "out_proj"}) {
      s[p + "attention." + name + ".weight"] = normal({H, H}, 0.02);
      s[p + "attention." + name + ".bias"] = normal({H}, 0.02);
    }
    s[p + "layer_norm.weight"] = around_one(H);
    s[p + "layer_norm.bias"] = normal({H}, 0.02);
    s[p + "feed_forward.intermediate_dense.weight"] = normal({F, H}, 0.02);
    s[p + "feed_forward.intermediate_dense.bias"] = normal({F}, 0.02);
    s[p + "feed_forward.output_dense.weight"] = normal({H, F}, 0.02);
    s[p + "feed_forward.output_dense.bias"] = normal({H}, 0.02);
    s[p + "final_layer_norm.weight"] = around_one(H);
    s[p + "final_layer_norm.bias"] = normal({H}, 0.02);
  }
  s["lm_head.weight"] = normal({config.vocab_size, H}, 0.02);
  s["lm_head.bias"] = normal({config.vocab_size}, 0.02);
  return s;
}

void Wav2Vec2Weights::quantize_int8(int weight_bits, int ff_activation_bits) {
  projection_int8 = Int8Linear(projection_weight, projection_bias, weight_bits, 8, "feature_projection.projection");
  projection_weight = torch::Tensor();
  for (size_t i = 0; i < layers.size(); ++i) {
    EncoderLayerWeights& layer = layers[i];
    const std::string prefix = "encoder.layers." + std::to_string(i) + ".";
    layer.qkv_int8 = Int8Linear(layer.qkv_weight, layer.qkv_bias, weight_bits, 8, prefix + "attention.{q,k,v}_proj");
    layer.out_int8 = Int8Linear(layer.out_weight, layer.out_bias, weight_bits, 8, prefix + "attention.out_proj");
    layer.ff_in_int8 = Int8Linear(layer.ff_in_weight, layer.ff_in_bias, weight_bits, ff_activation_bits,
                                  prefix + "feed_forward.intermediate_dense");
    layer.ff_out_int8 = Int8Linear(layer.ff_out_weight, layer.ff_out_bias, weight_bits, ff_activation_bits,
                                   prefix + "feed_forward.output_dense");
    layer.qkv_weight = layer.out_weight = layer.ff_in_weight = layer.ff_out_weight = torch::Tensor();
  }
}

void Wav2Vec2Weights::cast_products(torch::ScalarType type) {
  W2V2_CHECK_AS(ConfigError, type == torch::kBFloat16 || type == torch::kHalf,
                "matrix products cast to bfloat16 or float16 only; got ", c10::toString(type));
  W2V2_CHECK_AS(ConfigError, !projection_int8.defined(), "int8 weights cannot also be cast to ", c10::toString(type));
  auto cast = [type](torch::Tensor* t) {
    if (t->defined()) *t = t->to(type);
  };
  for (size_t i = 1; i < conv_layers.size(); ++i) {
    for (torch::Tensor* t : {&conv_layers[i].weight, &conv_layers[i].bias}) cast(t);
  }
  for (torch::Tensor* t : {&projection_weight, &projection_bias, &pos_conv_weight, &pos_conv_bias}) cast(t);
  for (EncoderLayerWeights& l : layers) {
    for (torch::Tensor* t : {&l.qkv_weight, &l.qkv_bias, &l.out_weight, &l.out_bias, &l.ff_in_weight, &l.ff_in_bias,
                             &l.ff_out_weight, &l.ff_out_bias}) {
      cast(t);
    }
  }
  product_type = type;
}

Wav2Vec2Weights Wav2Vec2Weights::to(const torch::Device& device) const {
  W2V2_CHECK_AS(ConfigError, device.is_cpu() || !projection_int8.defined(),
                "int8 weights run on the CPU only; use --precision fp32 on ", device.str());
  auto move = [&device](const torch::Tensor& t) { return t.defined() ? t.to(device) : t; };
  Wav2Vec2Weights out = *this;
  for (ConvLayerWeights& c : out.conv_layers) {
    for (torch::Tensor* t : {&c.weight, &c.bias, &c.norm_weight, &c.norm_bias}) *t = move(*t);
  }
  for (torch::Tensor* t : {&out.projection_norm_weight, &out.projection_norm_bias, &out.projection_weight,
                           &out.projection_bias, &out.pos_conv_weight, &out.pos_conv_bias, &out.encoder_norm_weight,
                           &out.encoder_norm_bias, &out.lm_head_weight, &out.lm_head_bias}) {
    *t = move(*t);
  }
  for (EncoderLayerWeights& l : out.layers) {
    for (torch::Tensor* t : {&l.qkv_weight, &l.qkv_bias, &l.out_weight, &l.out_bias, &l.attn_norm_weight,
                             &l.attn_norm_bias, &l.ff_in_weight, &l.ff_in_bias, &l.ff_out_weight, &l.ff_out_bias,
                             &l.final_norm_weight, &l.final_norm_bias}) {
      *t = move(*t);
    }
  }
  return out;
}

}  // namespace w2v2
