#include "checkpoint/model_directory.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "common/error.h"

namespace w2v2 {
namespace fs = std::filesystem;

ModelDirectory ModelDirectory::open(const std::string& path) {
  std::error_code ec;
  W2V2_CHECK_AS(ModelLoadError, fs::is_directory(path, ec), "model folder '", path,
                "' does not exist or is not a directory (pass a Hugging Face Wav2Vec2ForCTC folder with --model)");
  const fs::path dir(path);
  ModelDirectory model;
  model.path = path;

  const fs::path config = dir / "config.json";
  W2V2_CHECK_AS(ModelLoadError, fs::is_regular_file(config, ec), path, ": config.json is missing");
  model.config = Wav2Vec2Config::from_file(config.string());

  const fs::path preprocessor = dir / "preprocessor_config.json";
  if (fs::is_regular_file(preprocessor, ec)) {
    model.preprocessor = PreprocessorConfig::from_file(preprocessor.string());
  } else {
    spdlog::warn("{}: no preprocessor_config.json; using defaults ({})", path, model.preprocessor.to_string());
  }

  if (fs::is_regular_file(dir / "model.safetensors", ec)) {
    model.weights_path = (dir / "model.safetensors").string();
    model.weights_format = WeightsFormat::kSafetensors;
  } else if (fs::is_regular_file(dir / "pytorch_model.bin", ec)) {
    model.weights_path = (dir / "pytorch_model.bin").string();
    model.weights_format = WeightsFormat::kPytorchBin;
  } else {
    throw ModelLoadError(path + ": no weights (expected model.safetensors or pytorch_model.bin)");
  }

  if (fs::is_regular_file(dir / "vocab.json", ec)) {
    model.tokenizer.kind = TokenizerKind::kVocabJson;
    model.tokenizer.units_path = (dir / "vocab.json").string();
  } else {
    std::vector<std::string> candidates;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.is_regular_file() && entry.path().extension() == ".model") candidates.push_back(entry.path().string());
    }
    std::sort(candidates.begin(), candidates.end());
    W2V2_CHECK_AS(ModelLoadError, !candidates.empty(), path,
                  ": no output units (expected vocab.json or a SentencePiece *.model)");
    W2V2_CHECK_AS(ModelLoadError, candidates.size() == 1, path,
                  ": several SentencePiece *.model files; keep exactly one");
    model.tokenizer.kind = TokenizerKind::kSentencePiece;
    model.tokenizer.units_path = candidates.front();
  }
  if (fs::is_regular_file(dir / "special_tokens_map.json", ec)) {
    model.tokenizer.special_tokens_path = (dir / "special_tokens_map.json").string();
  }
  return model;
}

}  // namespace w2v2
