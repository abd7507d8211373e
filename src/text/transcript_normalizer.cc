#include "text/transcript_normalizer.h"

#include <cctype>

#include "common/error.h"

namespace w2v2 {

TextNormalization parse_text_normalization(const std::string& text) {
  if (text == "librispeech") return TextNormalization::kLibriSpeech;
  if (text == "basic") return TextNormalization::kBasic;
  if (text == "none") return TextNormalization::kNone;
  throw ConfigError("unknown normalization '" + text + "' (choose librispeech, basic or none)");
}

std::string to_string(TextNormalization normalization) {
  switch (normalization) {
    case TextNormalization::kLibriSpeech: return "librispeech";
    case TextNormalization::kBasic: return "basic";
    case TextNormalization::kNone: return "none";
  }
  return "none";
}

std::string normalize_transcript(const std::string& text, TextNormalization normalization) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (char raw : text) {
    const auto c = static_cast<unsigned char>(raw);
    char kept = 0;
    if (std::isspace(c)) {
      kept = 0;
    } else if (normalization == TextNormalization::kNone || c >= 0x80 || std::isalnum(c)) {
      kept = normalization == TextNormalization::kNone ? raw : static_cast<char>(std::toupper(c));
    } else if (c == '\'' && normalization == TextNormalization::kLibriSpeech) {
      kept = raw;
    } else if (c == '\'' && normalization == TextNormalization::kBasic) {
      continue;  // DON'T -> DONT: the apostrophe joins, it does not separate
    }
    if (kept == 0) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(kept);
  }
  return out;
}

}  // namespace w2v2
