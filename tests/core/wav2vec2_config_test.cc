#include "checkpoint/wav2vec2_config.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "features/preprocessor_config.h"
#include "support/test_support.h"

namespace w2v2 {
namespace {

std::string base_json() { return Wav2Vec2Config{}.to_json_text(); }

std::string with(const std::string& key, const nlohmann::json& value) {
  auto j = nlohmann::json::parse(base_json());
  j[key] = value;
  return j.dump();
}

std::string error_of(const std::string& text) {
  try {
    Wav2Vec2Config::from_json_text(text, "config.json");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(Wav2Vec2Config, ParsesTheTinyFixtures) {
  const auto group = Wav2Vec2Config::from_file(test::fixture("models/tiny-group-st/config.json"));
  EXPECT_EQ(group.feat_extract_norm, FeatExtractNorm::kGroup);
  EXPECT_FALSE(group.do_stable_layer_norm);
  EXPECT_EQ(group.conv_dim.size(), 7u);
  EXPECT_EQ(group.samples_per_frame(), 320);
  EXPECT_EQ(group.hidden_size, 32);
  const auto layer = Wav2Vec2Config::from_file(test::fixture("models/tiny-layer-st/config.json"));
  EXPECT_EQ(layer.feat_extract_norm, FeatExtractNorm::kLayer);
  EXPECT_TRUE(layer.do_stable_layer_norm);
  EXPECT_TRUE(layer.conv_bias);
}

TEST(Wav2Vec2Config, ParsesThePublishedConfigs) {
  const std::string shared = test::shared_data_dir();
  if (shared.empty()) GTEST_SKIP() << "../shared/data is absent";
  const auto base = Wav2Vec2Config::from_file(shared + "/hf-configs/wav2vec2-base-960h/config.json");
  EXPECT_EQ(base.hidden_size, 768);
  EXPECT_EQ(base.num_hidden_layers, 12);
  EXPECT_EQ(base.feat_extract_norm, FeatExtractNorm::kGroup);
  EXPECT_FALSE(base.conv_bias);
  const auto lv60 = Wav2Vec2Config::from_file(shared + "/hf-configs/wav2vec2-large-960h-lv60-self/config.json");
  EXPECT_EQ(lv60.hidden_size, 1024);
  EXPECT_EQ(lv60.num_hidden_layers, 24);
  EXPECT_TRUE(lv60.do_stable_layer_norm);
  EXPECT_EQ(lv60.feat_extract_norm, FeatExtractNorm::kLayer);
  const auto pre = PreprocessorConfig::from_file(shared + "/hf-configs/wav2vec2-base-960h/preprocessor_config.json");
  EXPECT_TRUE(pre.do_normalize);
}

TEST(Wav2Vec2Config, FrameArithmeticOfThePublishedConvStack) {
  const Wav2Vec2Config c;
  EXPECT_EQ(c.samples_per_frame(), 320);
  EXPECT_EQ(c.receptive_field(), 400);
  EXPECT_EQ(c.output_frames(0), 0);
  EXPECT_EQ(c.output_frames(399), 0);
  EXPECT_EQ(c.output_frames(400), 1);
  EXPECT_EQ(c.output_frames(16000), 49);  // 1 s -> 49 frames, as Hugging Face
  EXPECT_EQ(c.output_frames(160000), 499);
}

TEST(Wav2Vec2Config, RoundTripsThroughJson) {
  Wav2Vec2Config c;
  c.hidden_size = 96;
  c.num_attention_heads = 4;
  c.num_conv_pos_embedding_groups = 4;
  c.feat_extract_norm = FeatExtractNorm::kLayer;
  const auto back = Wav2Vec2Config::from_json_text(c.to_json_text(), "x");
  EXPECT_EQ(back.to_string(), c.to_string());
}

TEST(Wav2Vec2Config, RejectsWhatItDoesNotImplement) {
  EXPECT_NE(error_of(with("model_type", "hubert")).find("model_type 'hubert'"), std::string::npos);
  EXPECT_NE(error_of(with("hidden_act", "relu")).find("hidden_act 'relu'"), std::string::npos);
  EXPECT_NE(error_of(with("feat_extract_activation", "swish")).find("feat_extract_activation"), std::string::npos);
  EXPECT_NE(error_of(with("feat_extract_norm", "batch")).find("feat_extract_norm 'batch'"), std::string::npos);
  EXPECT_NE(error_of(with("add_adapter", true)).find("add_adapter"), std::string::npos);
  EXPECT_NE(error_of(with("adapter_attn_dim", 16)).find("MMS attention adapters"), std::string::npos);
  EXPECT_EQ(error_of(with("adapter_attn_dim", nullptr)), "");
  EXPECT_NE(error_of(with("architectures", {"Wav2Vec2ForPreTraining"})).find("Wav2Vec2ForCTC"), std::string::npos);
}

TEST(Wav2Vec2Config, RejectsInconsistentValuesListingEveryProblem) {
  auto j = nlohmann::json::parse(base_json());
  j["hidden_size"] = 770;  // not divisible by 12 heads nor 16 pos-conv groups
  j["conv_kernel"] = {10, 3};
  const std::string message = error_of(j.dump());
  EXPECT_NE(message.find("divisible by num_attention_heads"), std::string::npos) << message;
  EXPECT_NE(message.find("same length"), std::string::npos) << message;
  EXPECT_NE(message.find("num_conv_pos_embedding_groups"), std::string::npos) << message;
  EXPECT_NE(error_of(with("vocab_size", -3)), "");
  EXPECT_NE(error_of(with("hidden_size", "big")).find("malformed"), std::string::npos);
  EXPECT_NE(error_of("{not json").find("config.json: not valid JSON"), std::string::npos);
  EXPECT_NE(error_of("[1, 2]").find("JSON object"), std::string::npos);
  EXPECT_NE(error_of(with("pad_token_id", 99)).find("pad_token_id"), std::string::npos);
}

TEST(Wav2Vec2Config, IntegersAreNotTruncatedOrWrapped) {
  // nlohmann's get<int>() would read 768.9 as 768 and 2^32 + 32 as 32.
  EXPECT_NE(error_of(with("hidden_size", 768.9)).find("hidden_size must be an integer"), std::string::npos);
  EXPECT_NE(error_of(with("vocab_size", 4294967328ULL)).find("vocab_size must be an integer"), std::string::npos);
  EXPECT_NE(error_of(with("conv_stride", {5, 2, 2.5, 2, 2, 2, 2})).find("conv_stride must be an integer"),
            std::string::npos);
  EXPECT_NE(error_of(with("conv_kernel", 3)).find("conv_kernel must be a list"), std::string::npos);
  EXPECT_NE(error_of(with("num_feat_extract_layers", 1e300)).find("num_feat_extract_layers"), std::string::npos);
  EXPECT_EQ(error_of(with("hidden_size", 768)), "");
  // Eight strides of 4096 would overflow the samples-per-frame product.
  auto j = nlohmann::json::parse(base_json());
  j["conv_dim"] = std::vector<int>(8, 8);
  j["conv_kernel"] = std::vector<int>(8, 4096);
  j["conv_stride"] = std::vector<int>(8, 4096);
  j["num_feat_extract_layers"] = 8;
  EXPECT_NE(error_of(j.dump()).find("product of conv_stride"), std::string::npos) << error_of(j.dump());
}

TEST(PreprocessorConfig, RejectsOtherSamplingRates) {
  EXPECT_THROW(PreprocessorConfig::from_json_text(R"({"sampling_rate": 8000})", "p"), ConfigError);
  EXPECT_FALSE(PreprocessorConfig::from_json_text(R"({"do_normalize": false})", "p").do_normalize);
}

// Issue #20: a hidden_size nested 100,000 deep crashed while its value was printed in the error message.
TEST(Wav2Vec2Config, DeepNestingAndLongValuesNeverReachAMessageWhole) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  for (const char* key : {"hidden_size", "conv_dim"}) {
    std::string text = base_json();
    text.insert(1, "\"" + std::string(key) + "\": " + deep + ", ");
    EXPECT_EQ(error_of(text), "config.json: JSON nested deeper than 64 levels") << key;
  }
  // Nested within the limit: the message shows a cut excerpt of the value.
  const std::string message = error_of(with("hidden_size", nlohmann::json::parse(std::string(60, '[') + "1" +
                                                                                  std::string(60, ']'))));
  EXPECT_NE(message.find("hidden_size must be an integer in the range of int (got [[[[["), std::string::npos) << message;
  EXPECT_LT(message.size(), 300u);
  const std::string conv = error_of(with("conv_dim", {512, std::string(100000, 'x')}));
  EXPECT_NE(conv.find("conv_dim must be an integer"), std::string::npos) << conv.substr(0, 300);
  EXPECT_LT(conv.size(), 300u);
  const std::string type = error_of(with("model_type", std::string(100000, 'h')));
  EXPECT_NE(type.find("model_type 'hhhh"), std::string::npos);
  EXPECT_LT(type.size(), 400u);
}

TEST(PreprocessorConfig, DeepNestingIsAConfigError) {
  try {
    PreprocessorConfig::from_json_text("{\"sampling_rate\": " + std::string(100000, '[') + std::string(100000, ']') + "}",
                                       "preprocessor_config.json");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "preprocessor_config.json: JSON nested deeper than 64 levels");
  }
}

}  // namespace
}  // namespace w2v2
