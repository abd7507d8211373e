#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace w2v2 {

enum class FeatExtractNorm { kGroup, kLayer };  // group norm on conv 0 only, or layer norm after every conv

// The architecture of a Hugging Face Wav2Vec2ForCTC checkpoint (`config.json`). Only the fields
// that change inference are kept; training-only fields (dropouts, masking) are ignored.
struct Wav2Vec2Config {
  std::vector<int> conv_dim{512, 512, 512, 512, 512, 512, 512};
  std::vector<int> conv_kernel{10, 3, 3, 3, 3, 2, 2};
  std::vector<int> conv_stride{5, 2, 2, 2, 2, 2, 2};
  bool conv_bias = false;
  FeatExtractNorm feat_extract_norm = FeatExtractNorm::kGroup;
  int hidden_size = 768;
  int num_hidden_layers = 12;
  int num_attention_heads = 12;
  int intermediate_size = 3072;
  double layer_norm_eps = 1e-5;
  int num_conv_pos_embeddings = 128;
  int num_conv_pos_embedding_groups = 16;
  bool do_stable_layer_norm = false;  // pre-norm transformer with a final layer norm
  int vocab_size = 32;
  int pad_token_id = 0;  // the CTC blank

  void validate() const;  // throws ConfigError listing every problem
  std::string to_string() const;

  // Number of output frames for `num_samples` input samples (the conv arithmetic; 0 when too short).
  int64_t output_frames(int64_t num_samples) const;
  // Input samples per output frame (product of strides): 320 for the published conv stack.
  int64_t samples_per_frame() const;
  // Smallest input that yields one frame (the receptive field): 400 for the published conv stack.
  int64_t receptive_field() const;
  // Number of weights of Wav2Vec2ForCTC as a Hugging Face checkpoint stores them (positional-conv weight
  // norm as weight_g + weight_v; masked_spec_embed and pre-training modules not counted): 94,395,552 for
  // wav2vec2-base-960h. For a validated config (no overflow).
  int64_t parameter_count() const;

  // Parses config.json; unsupported values (another model_type, activation, adapter, ...) are
  // rejected with a clear ConfigError naming `source`.
  static Wav2Vec2Config from_json_text(const std::string& text, const std::string& source);
  static Wav2Vec2Config from_file(const std::string& path);
  std::string to_json_text() const;  // a config.json that from_json_text reads back
};

}  // namespace w2v2
