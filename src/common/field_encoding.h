#pragma once

#include <optional>
#include <string>

namespace w2v2 {

// Reversible encodings that keep file names (and the ids and texts derived from them) intact in outputs.
//
// Line fields (txt outputs "id<TAB>text", read back by `merge` and `score`): a backslash becomes "\\", a
// TAB "\t", a line feed "\n", a carriage return "\r"; every other byte (non-UTF-8 ones too) is kept, so one
// result is always one line and its first TAB separates id from text.
std::string escape_line_field(const std::string& field);
// The inverse. A backslash before any other byte is kept as it is (files written before escaping).
std::string unescape_line_field(const std::string& field);

// Strict UTF-8 (RFC 3629: no overlong forms, surrogates or code points above U+10FFFF) — exactly what JSON
// output can carry without replacing bytes by U+FFFD.
bool is_valid_utf8(const std::string& text);

// Byte-exact JSON fields for names that are not valid UTF-8 ("path_bytes" beside "path"): bytes 0x20-0x7E
// other than '%' are kept, every other byte becomes %XX (upper-case hex), e.g. "caf%E9.wav".
std::string percent_encode_bytes(const std::string& bytes);
// The inverse; std::nullopt when a '%' is not followed by two hex digits.
std::optional<std::string> percent_decode_bytes(const std::string& text);

}  // namespace w2v2
