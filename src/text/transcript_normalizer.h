#pragma once

#include <string>

namespace w2v2 {

// Normalization applied to references and hypotheses before scoring (never to the transcripts written).
//  kLibriSpeech: upper case, apostrophes kept, every other punctuation mark becomes a space, whitespace
//                collapsed (the form of LibriSpeech's trans.txt);
//  kBasic:       kLibriSpeech without apostrophes (DON'T -> DONT);
//  kNone:        whitespace collapsed only.
// Outside kNone, typographic apostrophes (U+2019, U+2018, U+02BC) count as "'" and non-ASCII spaces and
// punctuation (no-break space, « » ¡ ¿, dashes, curly quotes, ellipsis, CJK punctuation) as spaces.
// Case folding covers ASCII; other UTF-8 characters are kept as they are.
enum class TextNormalization { kLibriSpeech, kBasic, kNone };

TextNormalization parse_text_normalization(const std::string& text);  // throws ConfigError
std::string to_string(TextNormalization normalization);
std::string normalize_transcript(const std::string& text, TextNormalization normalization);

}  // namespace w2v2
