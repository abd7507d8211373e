#pragma once

#include <string>

namespace w2v2 {

// Where a model's output units are spelled out.
enum class TokenizerKind { kVocabJson, kSentencePiece };

// The files that describe a model's output units, as found in a model folder (ModelDirectory fills it).
// A plain description, so text/ needs nothing from the model or checkpoint code.
struct TokenizerFiles {
  TokenizerKind kind = TokenizerKind::kVocabJson;
  std::string units_path;           // vocab.json (kVocabJson) or the SentencePiece *.model (kSentencePiece)
  std::string special_tokens_path;  // special_tokens_map.json or ""; read only with vocab.json
};

}  // namespace w2v2
