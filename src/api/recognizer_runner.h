#pragma once

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
  const Transcriber& transcriber() const;

 private:
  std::unique_ptr<Transcriber> transcriber_;
  std::mutex mutex_;
};

}  // namespace w2v2
