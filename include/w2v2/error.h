#pragma once

#include <stdexcept>
#include <string>

#include "w2v2/export.h"

namespace w2v2 {

// Base of every error the library throws; the command line maps the concrete type to its exit code.
class W2V2_API Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  ~Error() override;
};

class W2V2_API ConfigError : public Error {  // invalid settings or config files (the CLI's exit code 3)
 public:
  using Error::Error;
  ~ConfigError() override;
};

class W2V2_API AudioReadError : public Error {  // a file that cannot be read or decoded as audio (5: that input fails)
 public:
  using Error::Error;
  ~AudioReadError() override;
};

class W2V2_API ModelLoadError : public Error {  // a model folder, checkpoint or tensor that cannot be used (4)
 public:
  using Error::Error;
  ~ModelLoadError() override;
};

class W2V2_API LanguageModelError : public ModelLoadError {  // an ARPA / .w2lm file that cannot be used
 public:
  using ModelLoadError::ModelLoadError;
  ~LanguageModelError() override;
};

class W2V2_API DatasetError : public Error {  // inputs that cannot be listed or parsed (2)
 public:
  using Error::Error;
  ~DatasetError() override;
};

class W2V2_API OutputError : public Error {  // results that cannot be written (7)
 public:
  using Error::Error;
  ~OutputError() override;
};

class W2V2_API ResultOutputError : public OutputError {  // one result's own files cannot be written; others can
 public:
  using OutputError::OutputError;
  ~ResultOutputError() override;
};

}  // namespace w2v2
