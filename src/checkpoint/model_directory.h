#pragma once

#include <string>

#include "checkpoint/wav2vec2_config.h"
#include "features/preprocessor_config.h"
#include "text/tokenizer_files.h"

namespace w2v2 {

enum class WeightsFormat { kSafetensors, kPytorchBin };

// A Hugging Face checkpoint folder: config.json, vocab.json (or a SentencePiece *.model),
// preprocessor_config.json (optional: documented defaults), model.safetensors or pytorch_model.bin.
struct ModelDirectory {
  std::string path;
  Wav2Vec2Config config;
  PreprocessorConfig preprocessor;
  std::string weights_path;
  WeightsFormat weights_format = WeightsFormat::kSafetensors;
  TokenizerFiles tokenizer;  // vocab.json, or a SentencePiece *.model when there is no vocab.json

  // Finds and parses the files; throws ModelLoadError / ConfigError with one clear message.
  static ModelDirectory open(const std::string& path);
};

}  // namespace w2v2
