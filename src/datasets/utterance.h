#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace w2v2 {

// One input to transcribe: a stable id, the audio path and, when known, the reference text.
struct Utterance {
  size_t index = 0;  // position in the input order
  std::string id;
  std::string path;
  std::string output_stem;  // per-utterance output files: path relative to its input folder, without
                            // extension ("sub/a" for <dir>/sub/a.wav); the bare stem for a file given directly
  std::optional<std::string> reference;
  std::string speaker;  // for per-speaker scores; "" when unknown
  // Audio already in memory (the library's Recognizer::transcribe): mono samples at `sample_rate_hz`, read
  // instead of `path` (which then only names the input in records and messages).
  std::shared_ptr<const std::vector<float>> samples;
  int sample_rate_hz = 0;
};

}  // namespace w2v2
