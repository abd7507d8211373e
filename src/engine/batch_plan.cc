#include "engine/batch_plan.h"

#include <algorithm>

namespace w2v2 {

BatchPlan BatchPlan::of(const Wav2Vec2Config& config, const std::vector<const std::vector<float>*>& waveforms) {
  BatchPlan plan;
  plan.results.resize(waveforms.size());
  for (size_t i = 0; i < waveforms.size(); ++i) {
    const auto n = static_cast<int64_t>(waveforms[i]->size());
    UtteranceLogits& r = plan.results[i];
    r.vocab = config.vocab_size;
    r.frames = std::max<int64_t>(0, config.output_frames(n));
    if (r.frames > 0) {
      plan.runnable.push_back(i);
      plan.samples = std::max(plan.samples, n);
    }
  }
  return plan;
}

}  // namespace w2v2
