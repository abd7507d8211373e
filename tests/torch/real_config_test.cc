// Real-size published configs (../shared/data/hf-configs) with random weights: save -> load round
// trip with the real tensor names and shapes, and output shapes.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <chrono>
#include <cstdint>

#include "model/checkpoint_reader.h"
#include "model/wav2vec2_ctc_model.h"
#include "model/wav2vec2_weights.h"
#include "support/test_support.h"

namespace w2v2 {
namespace {

class RealConfig : public ::testing::TestWithParam<std::string> {};

TEST_P(RealConfig, RandomWeightsRoundTripAndRun) {
  const std::string shared = test::shared_data_dir();
  if (shared.empty()) GTEST_SKIP() << "../shared/data is absent";
  const auto config = Wav2Vec2Config::from_file(shared + "/hf-configs/" + GetParam() + "/config.json");
  torch::InferenceMode guard;
  const StateDict state = random_state_dict(config, 42);
  test::TempDir dir;
  write_safetensors(state, dir.file("model.safetensors"));
  const auto start = std::chrono::steady_clock::now();
  StateDict back = read_safetensors(dir.file("model.safetensors"));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(back.size(), state.size());
  for (const auto& [k, t] : state) ASSERT_TRUE(torch::equal(back.at(k), t)) << k;
  RecordProperty("read_seconds", std::to_string(seconds));

  auto weights = std::make_shared<const Wav2Vec2Weights>(Wav2Vec2Weights::from_state_dict(config, std::move(back), "x"));
  const Wav2Vec2CtcModel model(config, weights);
  const torch::Tensor waveforms = torch::randn({2, 8000});
  const torch::Tensor lengths = torch::tensor({8000, 6000}, torch::kInt64);
  const torch::Tensor logits = model.forward(waveforms, lengths);
  EXPECT_EQ(logits.sizes(), (std::vector<int64_t>{2, 24, 32}));
  EXPECT_TRUE(torch::isfinite(logits).all().item<bool>());
  EXPECT_EQ(model.frame_lengths(lengths)[1].item<int64_t>(), config.output_frames(6000));
}

INSTANTIATE_TEST_SUITE_P(Published, RealConfig,
                         ::testing::Values("wav2vec2-base-960h", "wav2vec2-large-960h", "wav2vec2-large-960h-lv60-self"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

}  // namespace
}  // namespace w2v2
