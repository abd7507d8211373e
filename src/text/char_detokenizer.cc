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

}  // namespace w2v2
