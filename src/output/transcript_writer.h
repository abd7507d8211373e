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
  // Throws ResultOutputError when only this result's own files fail (the run goes on), OutputError when
  // the output as a whole fails.
  virtual void write(const UtteranceResult& result) = 0;
  virtual void finish() = 0;  // flushes; a file becomes visible under its final name here
};

// writer.write(result), except that a ResultOutputError turns `result` into a failure at stage "output"
// (logged, counted, reported) instead of stopping the run.
void write_result(TranscriptWriter& writer, UtteranceResult& result);

}  // namespace w2v2
