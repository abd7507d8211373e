#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdint>
#include <filesystem>

#include "common/error.h"
#include "model/checkpoint_reader.h"
#include "model/safetensors_writer.h"
#include "model/model_directory.h"
#include "model/wav2vec2_weights.h"
#include "support/test_support.h"

namespace w2v2 {
namespace {

const char* kFolder = "models/tiny-group-st";

StateDict fixture_state() { return read_safetensors(test::fixture(std::string(kFolder) + "/model.safetensors")); }
Wav2Vec2Config fixture_config() { return Wav2Vec2Config::from_file(test::fixture(std::string(kFolder) + "/config.json")); }

std::string load_error(StateDict state) {
  try {
    Wav2Vec2Weights::from_state_dict(fixture_config(), std::move(state), "ckpt");
  } catch (const ModelLoadError& e) {
    return e.what();
  }
  return "";
}

TEST(WeightLoader, FixtureLoadsAndExtraKeysAreIgnored) {
  const StateDict state = fixture_state();
  ASSERT_TRUE(state.count("wav2vec2.masked_spec_embed"));
  const auto w = Wav2Vec2Weights::from_state_dict(fixture_config(), state, "ckpt");
  EXPECT_EQ(w.layers.size(), 2u);
  EXPECT_EQ(w.layers[0].qkv_weight.sizes(), (std::vector<int64_t>{96, 32}));
  // q, k, v are fused in that order.
  EXPECT_TRUE(torch::equal(w.layers[1].qkv_weight.narrow(0, 32, 32),
                           state.at("wav2vec2.encoder.layers.1.attention.k_proj.weight")));
}

TEST(WeightLoader, MissingTensorIsNamed) {
  StateDict state = fixture_state();
  state.erase("wav2vec2.encoder.layers.1.final_layer_norm.bias");
  EXPECT_NE(load_error(state).find("missing tensor 'wav2vec2.encoder.layers.1.final_layer_norm.bias'"),
            std::string::npos);
  state = fixture_state();
  state.erase("wav2vec2.feature_extractor.conv_layers.0.layer_norm.weight");  // the group norm
  EXPECT_NE(load_error(state).find("conv_layers.0.layer_norm.weight"), std::string::npos);
  state = fixture_state();
  state.erase("lm_head.weight");
  EXPECT_NE(load_error(state).find("lm_head.weight"), std::string::npos);
}

TEST(WeightLoader, WrongShapeIsNamed) {
  StateDict state = fixture_state();
  state["lm_head.weight"] = torch::zeros({31, 32});
  const std::string error = load_error(state);
  EXPECT_NE(error.find("'lm_head.weight' has shape [31, 32]"), std::string::npos) << error;
}

TEST(WeightLoader, LeftoverTensorsOfOwnedModulesMeanTheConfigDoesNotMatch) {
  StateDict state = fixture_state();
  state["wav2vec2.encoder.layers.2.final_layer_norm.bias"] = torch::zeros({32});
  EXPECT_NE(load_error(state).find("unexpected tensor 'wav2vec2.encoder.layers.2.final_layer_norm.bias'"),
            std::string::npos);
  state = fixture_state();
  state["quantizer.codevectors"] = torch::zeros({1, 4, 8});  // pre-training leftovers are fine
  EXPECT_EQ(load_error(state), "");
}

TEST(WeightLoader, WeightNormIsFoldedFromEitherNaming) {
  StateDict a = fixture_state();
  const auto g = a.at("wav2vec2.encoder.pos_conv_embed.conv.weight_g");
  const auto v = a.at("wav2vec2.encoder.pos_conv_embed.conv.weight_v");
  const auto expected = torch::_weight_norm(v, g, 2);
  const auto wa = Wav2Vec2Weights::from_state_dict(fixture_config(), a, "a");
  EXPECT_TRUE(torch::allclose(wa.pos_conv_weight, expected, 1e-6, 1e-6));

  StateDict b = fixture_state();
  b.erase("wav2vec2.encoder.pos_conv_embed.conv.weight_g");
  b.erase("wav2vec2.encoder.pos_conv_embed.conv.weight_v");
  b["wav2vec2.encoder.pos_conv_embed.conv.parametrizations.weight.original0"] = g;
  b["wav2vec2.encoder.pos_conv_embed.conv.parametrizations.weight.original1"] = v;
  const auto wb = Wav2Vec2Weights::from_state_dict(fixture_config(), b, "b");
  EXPECT_TRUE(torch::equal(wa.pos_conv_weight, wb.pos_conv_weight));
}

TEST(WeightLoader, HalfPrecisionSafetensorsAreWidened) {
  test::TempDir dir;
  StateDict state = fixture_state();
  const StateDict half = [&] {
    StateDict h;
    for (const auto& [k, t] : state) h[k] = t.to(torch::kFloat16);
    return h;
  }();
  // write_safetensors writes F32; write F16 through the core writer to get a real F16 file.
  SafetensorsWriter writer;
  for (const auto& [k, t] : half) writer.add(k, TensorDType::kF16, t.sizes().vec(), t.data_ptr(), t.numel() * 2);
  writer.write(dir.file("h.safetensors"));
  const StateDict back = read_safetensors(dir.file("h.safetensors"));
  for (const auto& [k, t] : state) {
    ASSERT_EQ(back.at(k).scalar_type(), torch::kFloat32);
    EXPECT_TRUE(torch::equal(back.at(k), t.to(torch::kFloat16).to(torch::kFloat32))) << k;
  }
}

TEST(WeightLoader, BadModelFoldersGiveOneClearMessage) {
  test::TempDir dir;
  EXPECT_THROW(ModelDirectory::open(dir.file("absent")), ModelLoadError);
  EXPECT_THROW(ModelDirectory::open(dir.path().string()), ModelLoadError);  // no config.json
  std::filesystem::copy(test::fixture(kFolder), dir.file("m"));
  std::filesystem::remove(dir.file("m/model.safetensors"));
  try {
    ModelDirectory::open(dir.file("m"));
    FAIL();
  } catch (const ModelLoadError& e) {
    EXPECT_NE(std::string(e.what()).find("no weights"), std::string::npos);
  }
  test::write_text(dir.file("m/pytorch_model.bin"), "not a zip archive");
  const ModelDirectory m = ModelDirectory::open(dir.file("m"));
  EXPECT_THROW(read_checkpoint(m), ModelLoadError);
}

}  // namespace
}  // namespace w2v2
