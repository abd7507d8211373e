#pragma once

#include <string>

namespace w2v2 {

// Normalization applied to references and hypotheses before scoring (never to the transcripts written).
//  kLibriSpeech: upper case, apostrophes kept, every other punctuation mark becomes a space, whitespace
//                collapsed (the form of LibriSpeech's trans.txt);
//  kBasic:       kLibriSpeech without apostrophes (DON'T -> DONT);
//  kNone:        whitespace collapsed only.
// Case folding covers ASCII; other UTF-8 bytes are kept as they are.
enum class TextNormalization { kLibriSpeech, kBasic, kNone };

TextNormalization parse_text_normalization(const std::string& text);  // throws ConfigError
std::string to_string(TextNormalization normalization);
std::string normalize_transcript(const std::string& text, TextNormalization normalization);

}  // namespace w2v2
