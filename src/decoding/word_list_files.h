#pragma once

#include <string>
#include <vector>

#include "text/unit_spelling.h"

namespace w2v2 {

struct Hotword {
  std::string phrase;  // words separated by single spaces, as the model's units spell them
  double boost;        // natural-log bonus for the whole phrase
};

// Spells `word` with the units' pieces as it is, else upper-cased, else lower-cased (ASCII letters), so that
// a lower-case word list (Debian's wamerican) serves an upper-case character vocabulary. "" when no case can
// be spelled.
std::string spellable_form(const std::string& word, const std::vector<UnitSpelling>& spellings);

// A lexicon: one word per line (the first whitespace-separated field; the rest of a line, such as a
// flashlight-style spelling, is ignored), blank lines and lines starting with '#' skipped, duplicates
// merged. Words the units cannot spell are skipped with one warning that counts them. Throws ConfigError
// naming the file when it cannot be read or holds no usable word.
std::vector<std::string> read_lexicon(const std::string& path, const std::vector<UnitSpelling>& spellings);

// Hotwords: "phrase [boost]" per line; the last field is the boost when it is a number (> 0, finite), else
// `default_boost` applies. Phrases with a word the units cannot spell are skipped with one warning that
// counts them. Throws ConfigError naming file and line for a bad boost, or the file when it cannot be read.
std::vector<Hotword> read_hotwords(const std::string& path, const std::vector<UnitSpelling>& spellings,
                                   double default_boost);

}  // namespace w2v2
