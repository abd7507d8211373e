#pragma once

#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "w2v2/error.h"

namespace w2v2 {

// The error classes (Error, ConfigError, AudioReadError, ModelLoadError, ...) are public: <w2v2/error.h>.

// Throws one ConfigError listing every problem under `title`; does nothing when there are none.
inline void throw_if_problems(const std::string& title, const std::vector<std::string>& problems) {
  if (problems.empty()) return;
  std::string message = title;
  for (const auto& p : problems) message += "\n  - " + p;
  throw ConfigError(message);
}

// What a failure record's "error" field holds: the first line of `message`, at most 4096 bytes (cut at a
// UTF-8 boundary). LibTorch errors append a C++ backtrace of ~30 lines; that belongs in the debug log only.
std::string error_summary(const std::string& message);

// The whole content of a small text file (configs, vocabularies): a regular file (a FIFO or device is
// refused) of at most kMaxTextFileBytes; throws ConfigError naming the file otherwise.
inline constexpr uint64_t kMaxTextFileBytes = uint64_t{64} << 20;
std::string read_text_file(const std::string& path);

namespace detail {
template <typename... Args>
std::string concat(Args&&... args) {
  std::ostringstream out;
  (out << ... << std::forward<Args>(args));
  return out.str();
}
}  // namespace detail

}  // namespace w2v2

// Precondition check at a module boundary: throws ErrorType with the message parts concatenated.
#define W2V2_CHECK_AS(ErrorType, cond, ...)                      \
  do {                                                           \
    if (!(cond)) throw ErrorType(::w2v2::detail::concat(__VA_ARGS__)); \
  } while (0)

#define W2V2_CHECK(cond, ...) W2V2_CHECK_AS(::w2v2::Error, cond, __VA_ARGS__)
