#include "runtime/inference_engine.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "common/error.h"
#include "model/checkpoint_reader.h"
#include "model/wav2vec2_ctc_model.h"
#include "runtime/torch_threads.h"

namespace w2v2 {

struct InferenceEngine::Impl {
  std::unique_ptr<Wav2Vec2CtcModel> model;
  double load_seconds = 0.0;
  int threads = 1;
};

InferenceEngine::InferenceEngine(const ModelDirectory& model, const RuntimeConfig& runtime)
    : impl_(std::make_unique<Impl>()) {
  runtime.validate();
  impl_->threads = configure_torch_threads(runtime.threads);
  const auto start = std::chrono::steady_clock::now();
  auto weights = std::make_shared<const Wav2Vec2Weights>(
      Wav2Vec2Weights::from_state_dict(model.config, read_checkpoint(model), model.weights_path));
  impl_->model = std::make_unique<Wav2Vec2CtcModel>(model.config, std::move(weights));
  impl_->load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  spdlog::info("loaded {} in {:.3f} s ({} intra-op threads)", model.weights_path, impl_->load_seconds,
               impl_->threads);
}

InferenceEngine::~InferenceEngine() = default;

double InferenceEngine::load_seconds() const { return impl_->load_seconds; }
int InferenceEngine::threads() const { return impl_->threads; }

std::vector<UtteranceLogits> InferenceEngine::run(const std::vector<const std::vector<float>*>& waveforms) const {
  const Wav2Vec2CtcModel& model = *impl_->model;
  const Wav2Vec2Config& config = model.config();
  std::vector<UtteranceLogits> results(waveforms.size());
  // Utterances too short for one frame are answered without the model.
  std::vector<size_t> runnable;
  int64_t max_samples = 0;
  for (size_t i = 0; i < waveforms.size(); ++i) {
    results[i].vocab = config.vocab_size;
    const auto n = static_cast<int64_t>(waveforms[i]->size());
    if (config.output_frames(n) > 0) {
      runnable.push_back(i);
      max_samples = std::max(max_samples, n);
    }
  }
  if (runnable.empty()) return results;

  torch::InferenceMode inference_mode;
  const auto B = static_cast<int64_t>(runnable.size());
  torch::Tensor batch = torch::zeros({B, max_samples}, torch::kFloat32);  // (B, S) zero-padded
  torch::Tensor lengths = torch::empty({B}, torch::kInt64);
  float* dst = batch.data_ptr<float>();
  for (int64_t b = 0; b < B; ++b) {
    const std::vector<float>& w = *waveforms[runnable[b]];
    std::memcpy(dst + b * max_samples, w.data(), w.size() * sizeof(float));
    lengths[b] = static_cast<int64_t>(w.size());
  }
  const torch::Tensor logits = model.forward(batch, lengths).contiguous();  // (B, T, V)
  const torch::Tensor frames = model.frame_lengths(lengths);
  const int64_t T = logits.size(1);
  const int64_t V = logits.size(2);
  const float* src = logits.data_ptr<float>();
  for (int64_t b = 0; b < B; ++b) {
    UtteranceLogits& out = results[runnable[b]];
    out.frames = frames[b].item<int64_t>();
    out.vocab = V;
    out.data.assign(src + b * T * V, src + (b * T + out.frames) * V);
  }
  return results;
}

}  // namespace w2v2
