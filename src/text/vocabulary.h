#pragma once

#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace w2v2 {

// A Hugging Face Wav2Vec2CTCTokenizer vocabulary (`vocab.json`: token -> id). Ids must be unique and
// non-negative; gaps are allowed and map to no token.
class Vocabulary {
 public:
  static Vocabulary from_json_text(const std::string& text, const std::string& source);
  static Vocabulary from_file(const std::string& path);

  int size() const { return static_cast<int>(tokens_.size()); }  // max id + 1
  int num_tokens() const { return num_tokens_; }                  // entries in the file
  const std::string& token(int id) const;                         // "" for an id with no token
  std::optional<int> id(const std::string& token) const;

  // Special tokens (<pad>, <s>, </s>, <unk> and any in special_tokens_map.json) are never printed.
  void add_special_token(const std::string& token);
  bool is_special(int id) const { return special_ids_.count(id) > 0; }
  int word_delimiter_id() const { return word_delimiter_id_; }  // "|" or -1

 private:
  std::vector<std::string> tokens_;
  std::unordered_map<std::string, int> ids_;
  std::set<int> special_ids_;
  int word_delimiter_id_ = -1;
  int num_tokens_ = 0;
};

}  // namespace w2v2
