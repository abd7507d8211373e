#include "text/transcript_normalizer.h"

#include <cctype>
#include <utility>

#include "common/error.h"

namespace w2v2 {
namespace {

// The code point of the UTF-8 sequence at text[i] and its length in bytes; {-1, 1} for a byte that does
// not start a valid sequence.
std::pair<long, size_t> decode_utf8(const std::string& text, size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  const size_t length = lead >= 0xF0 && lead < 0xF5   ? 4
                        : lead >= 0xE0 && lead < 0xF0 ? 3
                        : lead >= 0xC2 && lead < 0xE0 ? 2
                                                      : 0;
  if (length == 0 || i + length > text.size()) return {-1, 1};
  long code = lead & (0x7F >> length);
  for (size_t k = 1; k < length; ++k) {
    const auto next = static_cast<unsigned char>(text[i + k]);
    if ((next & 0xC0) != 0x80) return {-1, 1};
    code = (code << 6) | (next & 0x3F);
  }
  static const long kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};  // shorter forms are overlong
  if (code < kSmallest[length] || (code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF) return {-1, 1};
  return {code, length};
}

// Typographic apostrophes: right single quotation mark, modifier letter apostrophe, left single quote.
bool is_apostrophe(long code) { return code == 0x2019 || code == 0x02BC || code == 0x2018; }

// Non-ASCII spaces and punctuation that separate words: no-break space, Latin-1 punctuation (¡ « » ¿),
// the General Punctuation block (spaces, dashes, quotes, ellipsis) except its zero-width and format
// characters (U+200B-200F, U+202A-202E, U+2060-206F: a ZWNJ sits inside Persian and Indic words), CJK punctuation and
// ideographic space, the byte order mark. The middle dot stays (Catalan "col·legi").
bool is_separator(long code) {
  return code == 0x00A0 || code == 0x00A1 || code == 0x00AB || code == 0x00BB || code == 0x00BF ||
         (code >= 0x2000 && code <= 0x200A) || (code >= 0x2010 && code <= 0x2029) || (code >= 0x202F && code <= 0x205F) ||
         (code >= 0x3000 && code <= 0x303F) || code == 0xFEFF;
}

}  // namespace

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
  for (size_t i = 0; i < text.size(); ++i) {
    char raw = text[i];
    auto c = static_cast<unsigned char>(raw);
    if (c >= 0x80 && normalization != TextNormalization::kNone) {
      const auto [code, length] = decode_utf8(text, i);
      if (is_apostrophe(code)) {
        raw = '\'';
        c = '\'';
        i += length - 1;
      } else if (is_separator(code)) {
        raw = ' ';
        c = ' ';
        i += length - 1;
      } else if (length > 1) {  // another character: kept whole
        if (pending_space) out.push_back(' ');
        pending_space = false;
        out.append(text, i, length);
        i += length - 1;
        continue;
      }
    }
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
