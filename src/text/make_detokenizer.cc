#include "text/make_detokenizer.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "common/error.h"
#include "common/json_limits.h"
#include "text/char_detokenizer.h"
#include "text/sentencepiece_detokenizer.h"

namespace w2v2 {
namespace {

void add_special_tokens(const std::string& path, Vocabulary& vocab) {
  // A regular file of bounded size and nesting, like every other config file.
  const nlohmann::json json = parse_json_bounded<ConfigError>(read_text_file(path), path);
  if (!json.is_object()) return;
  for (const auto& [key, value] : json.items()) {
    if (value.is_string()) vocab.add_special_token(value.get<std::string>());
    if (value.is_object() && value.contains("content") && value["content"].is_string()) {
      vocab.add_special_token(value["content"].get<std::string>());
    }
  }
}

}  // namespace

std::unique_ptr<Detokenizer> make_detokenizer(const TokenizerFiles& files, int model_outputs, int blank_id) {
  std::unique_ptr<Detokenizer> detokenizer;
  if (files.kind == TokenizerKind::kVocabJson) {
    Vocabulary vocab = Vocabulary::from_file(files.units_path);
    if (!files.special_tokens_path.empty()) add_special_tokens(files.special_tokens_path, vocab);
    if (vocab.num_tokens() < model_outputs) {
      spdlog::warn("{}: {} tokens for {} model outputs; outputs without a token print nothing", files.units_path,
                   vocab.num_tokens(), model_outputs);
    }
    detokenizer = std::make_unique<CharDetokenizer>(std::move(vocab));
  } else {
    detokenizer = std::make_unique<SentencePieceDetokenizer>(files.units_path, blank_id);
  }
  W2V2_CHECK_AS(ModelLoadError, detokenizer->num_units() <= model_outputs, files.units_path, " has ",
                detokenizer->num_units(), " units but the model (config.json vocab_size) outputs only ",
                model_outputs);
  return detokenizer;
}

}  // namespace w2v2
