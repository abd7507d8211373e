#pragma once

#include <string>

namespace w2v2 {

// The fields of a Hugging Face `preprocessor_config.json` (Wav2Vec2FeatureExtractor) that affect
// inference. Defaults are the documented ones.
struct PreprocessorConfig {
  int sampling_rate = 16000;
  bool do_normalize = true;       // (x - mean) / sqrt(var + 1e-7), per utterance
  float padding_value = 0.0f;
  int feature_size = 1;           // raw waveform input: must be 1

  void validate() const;  // throws ConfigError listing every problem
  std::string to_string() const;

  static PreprocessorConfig from_json_text(const std::string& text, const std::string& source);
  static PreprocessorConfig from_file(const std::string& path);
};

}  // namespace w2v2
