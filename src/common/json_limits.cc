#include "common/json_limits.h"

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace w2v2 {

int json_nesting_depth(const char* text, size_t size, int limit) {
  int depth = 0, deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < size; ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;  // skip the escaped character
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

template <typename ErrorType>
nlohmann::json parse_json_bounded(const std::string& text, const std::string& what) {
  W2V2_CHECK_AS(ErrorType, json_nesting_depth(text) <= kMaxJsonDepth, what, ": JSON nested deeper than ",
                kMaxJsonDepth, " levels");
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw ErrorType(what + ": not valid JSON (" + e.what() + ")");
  }
}

template nlohmann::json parse_json_bounded<ConfigError>(const std::string&, const std::string&);
template nlohmann::json parse_json_bounded<DatasetError>(const std::string&, const std::string&);
template nlohmann::json parse_json_bounded<ModelLoadError>(const std::string&, const std::string&);
template nlohmann::json parse_json_bounded<OutputError>(const std::string&, const std::string&);
template nlohmann::json parse_json_bounded<Error>(const std::string&, const std::string&);

std::string json_excerpt(const nlohmann::json& value, size_t max_chars) {
  // Scalars and shallow values print as they are; containers are cut after max_chars characters. Values
  // here come from parse_json_bounded, so dump() never recurses deeper than kMaxJsonDepth.
  std::string text;
  if (value.is_array() || value.is_object()) {
    text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    text = nlohmann::json(s.substr(0, max_chars + 1)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  if (text.size() > max_chars) text = text.substr(0, max_chars) + "...";
  return text;
}

}  // namespace w2v2
