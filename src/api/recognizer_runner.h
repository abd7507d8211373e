#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "datasets/utterance.h"
#include "output/utterance_result.h"
#include "w2v2/w2v2.h"

namespace w2v2 {

class Transcriber;

// What Recognizer and the C API share: a Transcriber built from RecognizerOptions, runs serialized (each run
// uses every model thread), results in input order.
class RecognizerRunner {
 public:
  explicit RecognizerRunner(const RecognizerOptions& options);
  ~RecognizerRunner();

  std::vector<UtteranceResult> run(std::vector<Utterance> inputs);  // ids and stems default to the paths'
  std::vector<UtteranceResult> run_files(const std::vector<std::string>& paths);
  // One input's successful result; a failure throws its stage's error (AudioReadError for a read, ...).
  UtteranceResult run_file(const std::string& path);
  UtteranceResult run_samples(const float* samples, size_t count, int sample_rate_hz);  // mono, in memory
  const Transcriber& transcriber() const;

  // A failed result as the exception of its stage.
  [[noreturn]] static void throw_failure(const UtteranceResult& result);

 private:
  std::unique_ptr<Transcriber> transcriber_;
  std::mutex mutex_;
};

}  // namespace w2v2
