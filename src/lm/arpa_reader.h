#pragma once

#include <string>
#include <string_view>

#include "lm/lm_tables.h"

namespace w2v2 {

// Reads ARPA back-off language models (orders 1..kMaxLmOrder) into LmTableStorage: a blank-line-only preamble
// (irstlm writes one), `\data\` with `ngram N=COUNT` lines, one `\N-grams:` section per order with
// `log10prob w1 .. wN [log10backoff]` lines (fields split by spaces or tabs, words any bytes but those, e.g.
// UTF-8), then `\end\`. Anything else is a LanguageModelError "FILE:LINE: what", found before any model is
// built: counts that disagree with the sections, a probability that is positive, NaN or infinite, a backoff
// that is not finite, an n-gram with the wrong number of words, a duplicate n-gram, a word that is not a
// 1-gram, NUL bytes, a truncated file.
//
// Backoff scoring reaches an n-gram of order n >= 2 only through its context (its first n-1 words) and its
// suffix (its last n-1 words), both (n-1)-grams. Some writers leave them out (irstlm's 4-gram files do); they
// are then added, as KenLM does, with the probability backoff gives them and backoff 0, which changes no
// score, and a warning counts them. This costs a second pass over the text, only for such files.
class ArpaReader {
 public:
  // Parses ARPA text; `name` (the file) prefixes every error.
  static LmTableStorage parse(std::string_view text, const std::string& name);
  // Reads a file, plain or gzip'ed (told apart by the gzip magic, not the name), and parses it.
  static LmTableStorage read_file(const std::string& path);
};

}  // namespace w2v2
