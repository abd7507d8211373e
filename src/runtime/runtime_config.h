#pragma once

#include <string>

namespace w2v2 {

struct RuntimeConfig {
  int threads = 0;  // intra-op threads for the model; 0 = one per core (Debian's torch defaults to 1)

  void validate() const;
  std::string to_string() const;
};

}  // namespace w2v2
