#include "text/char_detokenizer.h"

namespace w2v2 {

std::string CharDetokenizer::detokenize(const std::vector<int>& ids) const {
  std::string raw;
  for (int id : ids) {
    if (vocabulary_.is_special(id)) continue;
    if (id == vocabulary_.word_delimiter_id()) {
      raw.push_back(' ');
    } else {
      raw += vocabulary_.token(id);
    }
  }
  std::string text;
  text.reserve(raw.size());
  for (char c : raw) {
    const bool space = c == ' ' || c == '\t' || c == '\n';
    if (space) {
      if (!text.empty() && text.back() != ' ') text.push_back(' ');
    } else {
      text.push_back(c);
    }
  }
  if (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

std::vector<UnitSpelling> CharDetokenizer::spellings() const {
  std::vector<UnitSpelling> out(static_cast<size_t>(num_units()));
  for (int id = 0; id < num_units(); ++id) {
    UnitSpelling& unit = out[static_cast<size_t>(id)];
    const std::string& token = vocabulary_.token(id);
    if (vocabulary_.is_special(id) || token.empty()) continue;  // silent
    const bool blank_text = token.find_first_not_of(" \t\n") == std::string::npos;
    if (id == vocabulary_.word_delimiter_id() || blank_text) {
      unit.kind = UnitSpelling::Kind::kWordBoundary;
    } else {
      unit.kind = UnitSpelling::Kind::kPiece;
      unit.text = token;
    }
  }
  return out;
}

}  // namespace w2v2
