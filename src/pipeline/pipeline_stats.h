#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace w2v2 {

// The host-overhead meter: busy seconds per stage (summed over a stage's threads), how long the device
// thread waited for input, and the padding the batches carried.
struct PipelineStats {
  double read_seconds = 0.0;
  double batch_seconds = 0.0;
  double device_seconds = 0.0;       // inside forward passes
  double device_wait_seconds = 0.0;  // device thread idle, waiting for a batch (after the first one)
  double decode_seconds = 0.0;
  double write_seconds = 0.0;
  size_t batches = 0;
  size_t batch_splits = 0;           // failed batches retried in halves (out of memory, a bad member)
  double padding_waste = 0.0;        // padded samples / all samples fed to the model
};

// --check-padding: utterances that ran in padded batches, re-run alone and compared.
struct PaddingCheck {
  size_t checked = 0;
  double max_logit_difference = 0.0;
  std::vector<std::string> transcript_differences;  // ids whose transcript changed
};

}  // namespace w2v2
