#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace w2v2 {

// One input to transcribe: a stable id, the audio path and, when known, the reference text.
struct Utterance {
  size_t index = 0;  // position in the input order
  std::string id;
  std::string path;
  std::optional<std::string> reference;
};

}  // namespace w2v2
