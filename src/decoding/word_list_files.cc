#include "decoding/word_list_files.h"

#include <spdlog/spdlog.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <unordered_set>

#include "common/error.h"

namespace w2v2 {
namespace {

// The units' pieces, and the longest one, for spelling words by dynamic programming.
struct PieceSet {
  std::unordered_set<std::string> pieces;
  size_t longest = 0;

  explicit PieceSet(const std::vector<UnitSpelling>& spellings) {
    for (const UnitSpelling& unit : spellings) {
      if (unit.kind != UnitSpelling::Kind::kPiece || unit.text.empty()) continue;
      pieces.insert(unit.text);
      longest = std::max(longest, unit.text.size());
    }
  }

  // Whether `word` is a concatenation of pieces.
  bool spells(const std::string& word) const {
    if (word.empty()) return false;
    std::vector<char> reach(word.size() + 1, 0);
    reach[0] = 1;
    for (size_t i = 0; i < word.size(); ++i) {
      if (!reach[i]) continue;
      for (size_t n = 1; n <= longest && i + n <= word.size(); ++n) {
        if (!reach[i + n] && pieces.count(word.substr(i, n))) reach[i + n] = 1;
      }
    }
    return reach[word.size()] != 0;
  }
};

std::string spellable_in(const std::string& word, const PieceSet& pieces) {
  if (pieces.spells(word)) return word;
  std::string upper = word, lower = word;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper != word && pieces.spells(upper)) return upper;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower != word && pieces.spells(lower)) return lower;
  return "";
}

std::vector<std::string> fields_of(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> fields;
  for (std::string f; in >> f;) fields.push_back(f);
  return fields;
}

std::vector<std::string> lines_of(const std::string& path, const char* what) {
  std::string text;
  try {
    text = read_text_file(path);
  } catch (const Error& e) {
    throw ConfigError(std::string(what) + " " + path + ": " + e.what());
  }
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

}  // namespace

std::string spellable_form(const std::string& word, const std::vector<UnitSpelling>& spellings) {
  return spellable_in(word, PieceSet(spellings));
}

std::vector<std::string> read_lexicon(const std::string& path, const std::vector<UnitSpelling>& spellings) {
  const PieceSet pieces(spellings);
  std::vector<std::string> words;
  std::unordered_set<std::string> seen;
  size_t skipped = 0;
  std::string example;
  for (const std::string& line : lines_of(path, "lexicon")) {
    const auto fields = fields_of(line);
    if (fields.empty() || fields[0][0] == '#') continue;
    const std::string word = spellable_in(fields[0], pieces);
    if (word.empty()) {
      if (skipped++ == 0) example = fields[0];
      continue;
    }
    if (seen.insert(word).second) words.push_back(word);
  }
  if (skipped > 0) {
    spdlog::warn("lexicon {}: {} word(s) skipped: the model's units cannot spell them (first: \"{}\")", path, skipped,
                 example);
  }
  W2V2_CHECK_AS(ConfigError, !words.empty(), "lexicon ", path, ": no word the model's units can spell");
  return words;
}

std::vector<Hotword> read_hotwords(const std::string& path, const std::vector<UnitSpelling>& spellings,
                                   double default_boost) {
  const PieceSet pieces(spellings);
  std::vector<Hotword> out;
  size_t skipped = 0, number = 0;
  std::string example;
  for (const std::string& line : lines_of(path, "hotwords")) {
    ++number;
    auto fields = fields_of(line);
    if (fields.empty() || fields[0][0] == '#') continue;
    double boost = default_boost;
    if (fields.size() > 1) {
      const std::string& last = fields.back();
      char* end = nullptr;
      const double value = std::strtod(last.c_str(), &end);
      const bool numeric = end != last.c_str() && *end == '\0';
      if (numeric) {
        W2V2_CHECK_AS(ConfigError, std::isfinite(value) && value > 0 && value <= 100, "hotwords ", path, ":", number,
                      ": the boost must be a number in (0, 100]; got \"", last, "\"");
        boost = value;
        fields.pop_back();
      }
    }
    std::string phrase;
    bool ok = true;
    for (const std::string& f : fields) {
      const std::string word = spellable_in(f, pieces);
      if (word.empty()) ok = false;
      phrase += (phrase.empty() ? "" : " ") + word;
    }
    if (!ok) {
      if (skipped++ == 0) example = line;
      continue;
    }
    out.push_back({phrase, boost});
  }
  if (skipped > 0) {
    spdlog::warn("hotwords {}: {} phrase(s) skipped: the model's units cannot spell them (first: \"{}\")", path,
                 skipped, example);
  }
  W2V2_CHECK_AS(ConfigError, !out.empty(), "hotwords ", path, ": no phrase the model's units can spell");
  return out;
}

}  // namespace w2v2
