#pragma once

#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace w2v2 {

// Base of every error the library throws. `main` maps the concrete type to an exit code.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ConfigError : public Error {  // invalid settings or config files
 public:
  using Error::Error;
};

class AudioReadError : public Error {  // a file that cannot be read or decoded as audio
 public:
  using Error::Error;
};

class ModelLoadError : public Error {  // a model folder, checkpoint or tensor that cannot be used
 public:
  using Error::Error;
};

class LanguageModelError : public ModelLoadError {  // an ARPA / .w2lm file that cannot be used (names file and line)
 public:
  using ModelLoadError::ModelLoadError;
};

class DatasetError : public Error {  // inputs that cannot be listed or parsed
 public:
  using Error::Error;
};

class OutputError : public Error {  // results that cannot be written
 public:
  using Error::Error;
};

class ResultOutputError : public OutputError {  // one result's own files cannot be written; others can
 public:
  using OutputError::OutputError;
};

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
