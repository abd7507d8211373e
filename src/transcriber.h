#pragma once

#include <memory>
#include <string>
#include <vector>

#include "datasets/utterance.h"
#include "output/transcript_writer.h"
#include "run_summary.h"
#include "transcriber_config.h"

namespace w2v2 {

class InferenceEngine;
class Detokenizer;
struct ModelDirectory;

// Facade: loads the model folder once, then transcribes lists of inputs. A failing input becomes a
// failure record (stage + reason) and the run continues.
class Transcriber {
 public:
  explicit Transcriber(TranscriberConfig config);
  ~Transcriber();

  RunSummary transcribe(const std::vector<Utterance>& inputs, TranscriptWriter& writer);

 private:
  UtteranceResult transcribe_one(const Utterance& utterance, double& model_seconds);
  std::string logits_path(const Utterance& utterance) const;

  TranscriberConfig config_;
  std::unique_ptr<ModelDirectory> model_;
  std::unique_ptr<InferenceEngine> engine_;
  std::unique_ptr<Detokenizer> detokenizer_;
};

}  // namespace w2v2
