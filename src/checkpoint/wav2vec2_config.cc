#include "checkpoint/wav2vec2_config.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <fstream>
#include <sstream>

#include "common/error.h"
#include "common/json_limits.h"

namespace w2v2 {
namespace {

using nlohmann::json;

// A field of the wrong kind (caught below and reported with the file's name).
struct FieldError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// An int from a JSON integer within int's range; nlohmann's get<int>() would truncate 768.9 and wrap 2^32 + 32.
int integer_of(const json& value, const std::string& key) {
  const bool fits = (value.is_number_unsigned() && value.get<uint64_t>() <= INT32_MAX) ||
                    (value.is_number_integer() && !value.is_number_unsigned() && value.get<int64_t>() >= INT32_MIN &&
                     value.get<int64_t>() <= INT32_MAX);
  if (!fits) throw FieldError(key + " must be an integer in the range of int (got " + json_excerpt(value) + ")");
  return static_cast<int>(value.get<int64_t>());
}

template <typename T>
void read_field(const json& j, const char* key, T& field) {
  if (j.contains(key) && !j.at(key).is_null()) field = j.at(key).get<T>();
}

template <>
void read_field<int>(const json& j, const char* key, int& field) {
  if (j.contains(key) && !j.at(key).is_null()) field = integer_of(j.at(key), key);
}

template <>
void read_field<std::vector<int>>(const json& j, const char* key, std::vector<int>& field) {
  if (!j.contains(key) || j.at(key).is_null()) return;
  if (!j.at(key).is_array()) throw FieldError(std::string(key) + " must be a list of integers");
  field.clear();
  for (const auto& value : j.at(key)) field.push_back(integer_of(value, key));
}

// A string value as it may appear in a message: at most 60 characters.
std::string cut(const std::string& text) { return text.size() <= 60 ? text : text.substr(0, 60) + "..."; }

std::string join(const std::vector<int>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + std::to_string(values[i]);
  return out + "]";
}

}  // namespace

void Wav2Vec2Config::validate() const {
  std::vector<std::string> problems;
  auto need = [&](bool ok, const std::string& message) {
    if (!ok) problems.push_back(message);
  };
  need(!conv_dim.empty(), "conv_dim must not be empty");
  need(conv_dim.size() == conv_kernel.size() && conv_dim.size() == conv_stride.size(),
       "conv_dim, conv_kernel and conv_stride must have the same length (got " +
           std::to_string(conv_dim.size()) + ", " + std::to_string(conv_kernel.size()) + ", " +
           std::to_string(conv_stride.size()) + ")");
  for (size_t i = 0; i < conv_dim.size(); ++i) need(conv_dim[i] > 0 && conv_dim[i] <= 65536, "conv_dim values must be in 1..65536");
  for (size_t i = 0; i < conv_kernel.size(); ++i) need(conv_kernel[i] > 0 && conv_kernel[i] <= 4096, "conv_kernel values must be in 1..4096");
  for (size_t i = 0; i < conv_stride.size(); ++i) need(conv_stride[i] > 0 && conv_stride[i] <= 4096, "conv_stride values must be in 1..4096");
  // Frame arithmetic (samples per frame, receptive field) stays far from int64 overflow.
  need(conv_dim.size() <= 64, "at most 64 feature-extractor layers");
  int64_t stride_product = 1;
  for (int s : conv_stride) stride_product = std::min<int64_t>(stride_product * std::clamp(s, 1, 4096), int64_t{1} << 40);
  need(stride_product <= (1 << 20), "the product of conv_stride (samples per frame) must be at most 1048576");
  need(hidden_size > 0 && hidden_size <= 65536, "hidden_size must be in 1..65536");
  need(num_hidden_layers >= 0 && num_hidden_layers <= 1024, "num_hidden_layers must be in 0..1024");
  need(num_attention_heads > 0 && num_attention_heads <= 1024, "num_attention_heads must be in 1..1024");
  need(num_attention_heads > 0 && hidden_size % num_attention_heads == 0,
       "hidden_size (" + std::to_string(hidden_size) + ") must be divisible by num_attention_heads (" +
           std::to_string(num_attention_heads) + ")");
  need(intermediate_size > 0 && intermediate_size <= 1 << 20, "intermediate_size must be in 1..1048576");
  need(layer_norm_eps > 0 && layer_norm_eps < 1, "layer_norm_eps must be in (0, 1)");
  need(num_conv_pos_embeddings > 0 && num_conv_pos_embeddings <= 4096, "num_conv_pos_embeddings must be in 1..4096");
  need(num_conv_pos_embedding_groups > 0 && hidden_size % num_conv_pos_embedding_groups == 0,
       "hidden_size must be divisible by num_conv_pos_embedding_groups");
  need(vocab_size > 0 && vocab_size <= 1 << 20, "vocab_size must be in 1..1048576");
  need(pad_token_id >= 0 && pad_token_id < vocab_size, "pad_token_id (CTC blank) must be a valid id below vocab_size");
  throw_if_problems("invalid Wav2Vec2 config:", problems);
}

std::string Wav2Vec2Config::to_string() const {
  std::ostringstream out;
  out << "Wav2Vec2Config(conv_dim=" << join(conv_dim) << ", conv_kernel=" << join(conv_kernel)
      << ", conv_stride=" << join(conv_stride) << ", conv_bias=" << std::boolalpha << conv_bias
      << ", feat_extract_norm=" << (feat_extract_norm == FeatExtractNorm::kGroup ? "group" : "layer")
      << ", hidden_size=" << hidden_size << ", layers=" << num_hidden_layers << ", heads=" << num_attention_heads
      << ", intermediate_size=" << intermediate_size << ", pos_conv=" << num_conv_pos_embeddings << "/"
      << num_conv_pos_embedding_groups << ", stable_layer_norm=" << do_stable_layer_norm
      << ", vocab_size=" << vocab_size << ")";
  return out.str();
}

int64_t Wav2Vec2Config::output_frames(int64_t num_samples) const {
  int64_t length = num_samples;
  for (size_t i = 0; i < conv_kernel.size(); ++i) {
    if (length < conv_kernel[i]) return 0;
    length = (length - conv_kernel[i]) / conv_stride[i] + 1;
  }
  return length;
}

int64_t Wav2Vec2Config::samples_per_frame() const {
  int64_t product = 1;
  for (int s : conv_stride) product *= s;
  return product;
}

int64_t Wav2Vec2Config::receptive_field() const {
  int64_t field = 1;
  for (size_t i = conv_kernel.size(); i-- > 0;) field = (field - 1) * conv_stride[i] + conv_kernel[i];
  return field;
}

int64_t Wav2Vec2Config::parameter_count() const {
  const int64_t H = hidden_size, F = intermediate_size;
  int64_t count = 0, in_channels = 1;
  for (size_t i = 0; i < conv_dim.size(); ++i) {
    const int64_t out = conv_dim[i];
    count += out * in_channels * conv_kernel[i] + (conv_bias ? out : 0);
    if (feat_extract_norm == FeatExtractNorm::kLayer || i == 0) count += 2 * out;
    in_channels = out;
  }
  count += 2 * in_channels + H * in_channels + H;  // feature projection: layer norm, linear
  count += H * (H / num_conv_pos_embedding_groups) * num_conv_pos_embeddings + num_conv_pos_embeddings + H;
  count += 2 * H;                                                                         // encoder layer norm
  count += int64_t{num_hidden_layers} * (4 * (H * H + H) + 2 * H + 2 * F * H + F + H + 2 * H);
  count += int64_t{vocab_size} * H + vocab_size;  // lm_head
  return count;
}

Wav2Vec2Config Wav2Vec2Config::from_json_text(const std::string& text, const std::string& source) {
  Wav2Vec2Config config;
  std::vector<std::string> problems;
  try {
    const json j = parse_json_bounded<ConfigError>(text, source);
    W2V2_CHECK_AS(ConfigError, j.is_object(), source, ": expected a JSON object");

    const std::string model_type = j.value("model_type", std::string("wav2vec2"));
    if (model_type != "wav2vec2") {
      problems.push_back("model_type '" + cut(model_type) + "' is not supported (only 'wav2vec2')");
    }
    if (j.contains("architectures") && j["architectures"].is_array()) {
      bool ctc = false;
      for (const auto& a : j["architectures"]) ctc = ctc || (a.is_string() && a.get<std::string>() == "Wav2Vec2ForCTC");
      if (!ctc) problems.push_back("architectures does not list Wav2Vec2ForCTC: a CTC head is required");
    }
    for (const char* key : {"feat_extract_activation", "hidden_act"}) {
      const std::string act = j.value(key, std::string("gelu"));
      if (act != "gelu") problems.push_back(std::string(key) + " '" + cut(act) + "' is not supported (only 'gelu')");
    }
    if (j.value("add_adapter", false)) problems.push_back("add_adapter=true is not supported");
    if (j.value("use_weighted_layer_sum", false)) problems.push_back("use_weighted_layer_sum=true is not supported");
    if (j.contains("adapter_attn_dim") && !j["adapter_attn_dim"].is_null()) {
      problems.push_back("adapter_attn_dim is set: MMS attention adapters are not supported");
    }
    if (j.contains("position_embeddings_type") && !j["position_embeddings_type"].is_null()) {
      problems.push_back("position_embeddings_type is a Wav2Vec2-Conformer field; not supported");
    }

    read_field(j, "conv_dim", config.conv_dim);
    read_field(j, "conv_kernel", config.conv_kernel);
    read_field(j, "conv_stride", config.conv_stride);
    read_field(j, "conv_bias", config.conv_bias);
    const std::string norm = j.value("feat_extract_norm", std::string("group"));
    if (norm == "group") {
      config.feat_extract_norm = FeatExtractNorm::kGroup;
    } else if (norm == "layer") {
      config.feat_extract_norm = FeatExtractNorm::kLayer;
    } else {
      problems.push_back("feat_extract_norm '" + cut(norm) + "' is not supported (choose 'group' or 'layer')");
    }
    read_field(j, "hidden_size", config.hidden_size);
    read_field(j, "num_hidden_layers", config.num_hidden_layers);
    read_field(j, "num_attention_heads", config.num_attention_heads);
    read_field(j, "intermediate_size", config.intermediate_size);
    read_field(j, "layer_norm_eps", config.layer_norm_eps);
    read_field(j, "num_conv_pos_embeddings", config.num_conv_pos_embeddings);
    read_field(j, "num_conv_pos_embedding_groups", config.num_conv_pos_embedding_groups);
    read_field(j, "do_stable_layer_norm", config.do_stable_layer_norm);
    read_field(j, "vocab_size", config.vocab_size);
    read_field(j, "pad_token_id", config.pad_token_id);
    if (j.contains("num_feat_extract_layers") &&
        integer_of(j["num_feat_extract_layers"], "num_feat_extract_layers") != static_cast<int>(config.conv_dim.size())) {
      problems.push_back("num_feat_extract_layers disagrees with the length of conv_dim");
    }
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(source + ": malformed config: " + e.what());
  } catch (const FieldError& e) {
    throw ConfigError(source + ": malformed config: " + e.what());
  }
  try {
    config.validate();
  } catch (const ConfigError& e) {
    problems.push_back(e.what());
  }
  throw_if_problems(source + ": unsupported or invalid config:", problems);
  return config;
}

Wav2Vec2Config Wav2Vec2Config::from_file(const std::string& path) {
  return from_json_text(read_text_file(path), path);
}

std::string Wav2Vec2Config::to_json_text() const {
  json j;
  j["model_type"] = "wav2vec2";
  j["architectures"] = {"Wav2Vec2ForCTC"};
  j["conv_dim"] = conv_dim;
  j["conv_kernel"] = conv_kernel;
  j["conv_stride"] = conv_stride;
  j["conv_bias"] = conv_bias;
  j["num_feat_extract_layers"] = conv_dim.size();
  j["feat_extract_norm"] = feat_extract_norm == FeatExtractNorm::kGroup ? "group" : "layer";
  j["feat_extract_activation"] = "gelu";
  j["hidden_act"] = "gelu";
  j["hidden_size"] = hidden_size;
  j["num_hidden_layers"] = num_hidden_layers;
  j["num_attention_heads"] = num_attention_heads;
  j["intermediate_size"] = intermediate_size;
  j["layer_norm_eps"] = layer_norm_eps;
  j["num_conv_pos_embeddings"] = num_conv_pos_embeddings;
  j["num_conv_pos_embedding_groups"] = num_conv_pos_embedding_groups;
  j["do_stable_layer_norm"] = do_stable_layer_norm;
  j["vocab_size"] = vocab_size;
  j["pad_token_id"] = pad_token_id;
  return j.dump(2);
}

}  // namespace w2v2
