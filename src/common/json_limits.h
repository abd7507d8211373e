#pragma once

#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <string>

namespace w2v2 {

// Deepest array/object nesting accepted anywhere JSON is read (configs, vocabularies, manifests, journals,
// merge parts). Real files nest at most 3 deep; a hostile 100,000-deep array would otherwise crash the
// recursive code that prints or walks it.
inline constexpr int kMaxJsonDepth = 64;

// The nesting depth of JSON `text` (0 for a scalar), counting brackets outside strings; stops counting and
// returns a value > `limit` as soon as the depth passes `limit`. Malformed text is left to the parser.
int json_nesting_depth(const char* text, size_t size, int limit = kMaxJsonDepth);
inline int json_nesting_depth(const std::string& text, int limit = kMaxJsonDepth) {
  return json_nesting_depth(text.data(), text.size(), limit);
}

// Parses `text` after checking its nesting; throws ErrorType("<what>: ...") for text nested deeper than
// kMaxJsonDepth or that is not JSON (with the parser's position). ErrorType is one of common/error.h's.
template <typename ErrorType>
nlohmann::json parse_json_bounded(const std::string& text, const std::string& what);

// At most `max_chars` characters of a value's JSON text, for error messages ("[[[[...", never the whole
// of an arbitrary value).
std::string json_excerpt(const nlohmann::json& value, size_t max_chars = 60);

}  // namespace w2v2
