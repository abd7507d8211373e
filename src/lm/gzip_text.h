#pragma once

#include <string>
#include <string_view>

namespace w2v2 {

// True when `bytes` starts with the gzip magic (1f 8b).
bool is_gzip(std::string_view bytes);

// The decompressed contents of gzip data (every member of a multi-member file). Throws LanguageModelError
// naming `name` on corrupt or truncated data.
std::string gunzip(std::string_view bytes, const std::string& name);

// The whole file, decompressed when its content is gzip (whatever its name). Throws LanguageModelError
// naming the file when it cannot be read.
std::string read_maybe_gzipped_file(const std::string& path);

}  // namespace w2v2
