#pragma once

#include <string>
#include <vector>

#include "output/utterance_result.h"

namespace w2v2 {

enum class OutputFormat { kTxt, kJsonl, kCsv, kSrt, kVtt };

OutputFormat parse_output_format(const std::string& text);  // throws ConfigError listing the choices
std::string to_string(OutputFormat format);                 // also the file extension ("jsonl" -> per-input ".json")

// Receives results in input order. Implementations write to a file (atomically, on finish) or stdout.
class TranscriptWriter {
 public:
  virtual ~TranscriptWriter() = default;
  virtual void write(const UtteranceResult& result) = 0;
  virtual void finish() = 0;  // flushes; a file becomes visible under its final name here
};

}  // namespace w2v2
