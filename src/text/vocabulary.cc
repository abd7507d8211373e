#include "text/vocabulary.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <fstream>
#include <sstream>

#include "common/error.h"
#include "common/json_limits.h"

namespace w2v2 {
namespace {
constexpr int kMaxVocab = 1 << 20;
// A token as it may appear in a message: at most 60 bytes.
std::string cut(const std::string& token) { return token.size() <= 60 ? token : token.substr(0, 60) + "..."; }
}  // namespace

Vocabulary Vocabulary::from_json_text(const std::string& text, const std::string& source) {
  Vocabulary vocab;
  const nlohmann::json json = parse_json_bounded<ConfigError>(text, source);
  W2V2_CHECK_AS(ConfigError, json.is_object() && !json.empty(), source, ": expected a non-empty object token -> id");
  int max_id = -1;
  for (const auto& [token, value] : json.items()) {
    W2V2_CHECK_AS(ConfigError, value.is_number_integer(), source, ": id of token '", cut(token), "' is not an integer");
    const auto id = value.get<int64_t>();
    W2V2_CHECK_AS(ConfigError, id >= 0 && id < kMaxVocab, source, ": id ", id, " of token '", cut(token), "' out of range");
    max_id = std::max<int>(max_id, static_cast<int>(id));
  }
  vocab.tokens_.assign(static_cast<size_t>(max_id + 1), std::string());
  std::vector<bool> used(static_cast<size_t>(max_id + 1), false);
  for (const auto& [token, value] : json.items()) {
    const int id = value.get<int>();
    W2V2_CHECK_AS(ConfigError, !used[id], source, ": id ", id, " is used by more than one token");
    used[id] = true;
    vocab.tokens_[id] = token;
    vocab.ids_[token] = id;
  }
  vocab.num_tokens_ = static_cast<int>(json.size());
  for (const char* special : {"<pad>", "<s>", "</s>", "<unk>"}) vocab.add_special_token(special);
  if (auto d = vocab.id("|")) vocab.word_delimiter_id_ = *d;
  return vocab;
}

Vocabulary Vocabulary::from_file(const std::string& path) {
  return from_json_text(read_text_file(path), path);
}

const std::string& Vocabulary::token(int id) const {
  static const std::string kEmpty;
  if (id < 0 || id >= size()) return kEmpty;
  return tokens_[static_cast<size_t>(id)];
}

std::optional<int> Vocabulary::id(const std::string& token) const {
  const auto it = ids_.find(token);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

void Vocabulary::add_special_token(const std::string& token) {
  if (auto i = id(token)) special_ids_.insert(*i);
}

}  // namespace w2v2
