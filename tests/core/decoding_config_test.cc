// DecodingConfig: validation, and resolution against a model folder's language_model/ (Hugging Face
// Wav2Vec2ProcessorWithLM layout: attrs.json, unigrams.txt, the LM file).
#include "decoding/decoding_config.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>
#include <string>

#include "common/error.h"
#include "support/test_support.h"

namespace w2v2 {
namespace {

namespace fs = std::filesystem;
using test::TempDir;
using test::write_text;

constexpr const char* kArpa = "\\data\\\nngram 1=3\n\n\\1-grams:\n-1.0\t<s>\n-0.5\t</s>\n-0.3\tA\n\n\\end\\\n";

// A model folder (only what resolve() looks at) with a language_model/ holding `files`.
struct ModelFolder {
  TempDir dir;
  std::string model() const { return dir.path().string(); }
  std::string lm_dir() const { return (dir.path() / "language_model").string(); }
  void add(const std::string& name, const std::string& text) const {
    fs::create_directories(lm_dir());
    write_text(lm_dir() + "/" + name, text);
  }
};

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no exception)";
}

TEST(DecodingConfig, DefaultsValidateAndBadValuesAreRefused) {
  DecodingConfig c;
  EXPECT_NO_THROW(c.validate());
  c.lm_weight = -1.0;
  EXPECT_THROW(c.validate(), ConfigError);
  c.lm_weight = std::nan("");
  EXPECT_THROW(c.validate(), ConfigError);
  c = DecodingConfig{};
  c.unk_score_offset = 1.0;
  EXPECT_THROW(c.validate(), ConfigError);
  c = DecodingConfig{};
  c.word_score = std::numeric_limits<double>::infinity();
  EXPECT_THROW(c.validate(), ConfigError);
  c = DecodingConfig{};
  c.hotword_boost = std::nan("");
  EXPECT_THROW(c.validate(), ConfigError);
  c = DecodingConfig{};
  c.beam.beam_size = 0;
  EXPECT_THROW(c.validate(), ConfigError);
}

TEST(DecodingConfig, KindNames) {
  DecoderKind k = DecoderKind::kAuto;
  EXPECT_TRUE(parse_decoder_kind("beam", k));
  EXPECT_EQ(k, DecoderKind::kBeam);
  EXPECT_TRUE(parse_decoder_kind("greedy", k));
  EXPECT_EQ(k, DecoderKind::kGreedy);
  EXPECT_FALSE(parse_decoder_kind("Beam", k));
  EXPECT_STREQ(to_string(DecoderKind::kAuto), "auto");
}

TEST(DecodingConfig, AutoWithoutLanguageModelIsGreedyWithDefaults) {
  const ModelFolder m;
  const DecodingConfig r = DecodingConfig{}.resolve(m.model());
  EXPECT_EQ(r.decoder, DecoderKind::kGreedy);
  EXPECT_EQ(r.lm, "");
  EXPECT_EQ(*r.lm_weight, 0.5);
  EXPECT_EQ(*r.word_score, 1.0);
  EXPECT_EQ(*r.unk_score_offset, -10.0);
  EXPECT_TRUE(*r.score_boundary);
  // An explicit beam without an LM stays beam (acoustic beam search).
  DecodingConfig beam;
  beam.decoder = DecoderKind::kBeam;
  EXPECT_EQ(beam.resolve(m.model()).decoder, DecoderKind::kBeam);
  EXPECT_EQ(beam.resolve(m.model()).lm, "");
}

TEST(DecodingConfig, AutoFindsTheModelsLanguageModelAndItsAttributes) {
  const ModelFolder m;
  m.add("attrs.json", R"({"alpha": 0.7, "beta": 2.5, "unk_score_offset": -8.0, "score_boundary": false})");
  m.add("unigrams.txt", "A\n");
  m.add("lm.arpa", kArpa);
  const DecodingConfig r = DecodingConfig{}.resolve(m.model());
  EXPECT_EQ(r.decoder, DecoderKind::kBeam);
  EXPECT_EQ(r.lm, m.lm_dir() + "/lm.arpa");
  EXPECT_EQ(*r.lm_weight, 0.7);
  EXPECT_EQ(*r.word_score, 2.5);
  EXPECT_EQ(*r.unk_score_offset, -8.0);
  EXPECT_FALSE(*r.score_boundary);
  EXPECT_NE(r.to_string().find("lm_weight=0.7"), std::string::npos) << r.to_string();
}

TEST(DecodingConfig, FlagsOverrideAttributesAndMissingOnesTakeDefaults) {
  const ModelFolder m;
  m.add("attrs.json", R"({"alpha": 0.7, "beta": null})");  // no unk_score_offset, score_boundary
  m.add("lm.arpa.gz", "not read here");
  DecodingConfig c;
  c.lm_weight = 1.25;
  c.score_boundary = true;
  const DecodingConfig r = c.resolve(m.model());
  EXPECT_EQ(r.lm, m.lm_dir() + "/lm.arpa.gz");
  EXPECT_EQ(*r.lm_weight, 1.25);          // flag
  EXPECT_EQ(*r.word_score, 1.0);          // null -> default
  EXPECT_EQ(*r.unk_score_offset, -10.0);  // absent -> default
  EXPECT_TRUE(*r.score_boundary);         // flag
}

TEST(DecodingConfig, ALanguageModelFolderWithoutAttributesUsesDefaults) {
  const ModelFolder m;
  m.add("lm.arpa", kArpa);
  const DecodingConfig r = DecodingConfig{}.resolve(m.model());
  EXPECT_EQ(r.decoder, DecoderKind::kBeam);
  EXPECT_EQ(*r.lm_weight, 0.5);
}

TEST(DecodingConfig, W2lmIsPreferredOverArpa) {
  const ModelFolder m;
  m.add("lm.arpa", kArpa);
  m.add("lm.w2lm", "binary");
  EXPECT_EQ(DecodingConfig{}.resolve(m.model()).lm, m.lm_dir() + "/lm.w2lm");
}

TEST(DecodingConfig, BrokenAttributesNameTheFile) {
  for (const char* attrs : {"{", "[1, 2]", R"({"alpha": "0.5"})", R"({"beta": true})",
                            R"({"score_boundary": 1})", R"({"alpha": -0.5})", R"({"unk_score_offset": 3})"}) {
    const ModelFolder m;
    m.add("attrs.json", attrs);
    m.add("lm.arpa", kArpa);
    const std::string what = message_of([&] {
      try {
        DecodingConfig{}.resolve(m.model());
      } catch (const ModelLoadError&) {
        throw;
      } catch (const std::exception& e) {
        throw std::runtime_error(std::string("not a ModelLoadError: ") + e.what());
      }
    });
    EXPECT_NE(what.find("attrs.json"), std::string::npos) << attrs << ": " << what;
    EXPECT_EQ(what.find("not a ModelLoadError"), std::string::npos) << attrs << ": " << what;
  }
}

TEST(DecodingConfig, GreedyDoesNotReadTheLanguageModelFolder) {
  const ModelFolder m;
  m.add("attrs.json", "{ broken");
  m.add("lm.arpa", kArpa);
  DecodingConfig c;
  c.decoder = DecoderKind::kGreedy;
  const DecodingConfig r = c.resolve(m.model());
  EXPECT_EQ(r.decoder, DecoderKind::kGreedy);
  EXPECT_EQ(r.lm, "");
  // --lm none: no LM either, even with auto.
  DecodingConfig none;
  none.lm = "none";
  EXPECT_EQ(none.resolve(m.model()).decoder, DecoderKind::kGreedy);
  EXPECT_EQ(none.resolve(m.model()).lm, "");
}

TEST(DecodingConfig, GreedyIgnoresAnExplicitLanguageModelLexiconAndHotwords) {
  const TempDir d;
  write_text(d.file("x.arpa"), kArpa);
  write_text(d.file("words.txt"), "A\n");
  DecodingConfig c;
  c.decoder = DecoderKind::kGreedy;
  c.lm = d.file("x.arpa");
  c.lexicon = d.file("words.txt");
  c.hotwords = d.file("words.txt");
  const DecodingConfig r = c.resolve(d.path().string());
  EXPECT_EQ(r.decoder, DecoderKind::kGreedy);
  EXPECT_EQ(r.lm, "");
  EXPECT_EQ(r.lexicon, "");
  EXPECT_EQ(r.hotwords, "");
}

TEST(DecodingConfig, ExplicitFilesMustExistAndTakeTheirFoldersAttributes) {
  const ModelFolder m;
  m.add("attrs.json", R"({"alpha": 0.9})");  // the model's: not used for another LM
  const TempDir other;
  fs::create_directories(other.path() / "language_model");
  write_text(other.file("language_model/5gram.arpa"), kArpa);
  write_text(other.file("language_model/attrs.json"), R"({"beta": 3.0})");
  write_text(other.file("plain.arpa"), kArpa);

  DecodingConfig c;
  c.lm = other.file("language_model/5gram.arpa");
  DecodingConfig r = c.resolve(m.model());
  EXPECT_EQ(r.decoder, DecoderKind::kBeam);
  EXPECT_EQ(r.lm, c.lm);
  EXPECT_EQ(*r.lm_weight, 0.5);
  EXPECT_EQ(*r.word_score, 3.0);

  c.lm = other.file("plain.arpa");
  r = c.resolve(m.model());
  EXPECT_EQ(*r.lm_weight, 0.5);
  EXPECT_EQ(*r.word_score, 1.0);

  c.lm = other.file("missing.arpa");
  EXPECT_NE(message_of([&] { c.resolve(m.model()); }).find("missing.arpa"), std::string::npos);
  EXPECT_THROW(c.resolve(m.model()), ConfigError);
  c.lm = "none";
  c.lexicon = other.file("missing-words.txt");
  EXPECT_THROW(c.resolve(m.model()), ConfigError);  // auto -> beam for a lexicon, which must exist
  c.lexicon = other.file("plain.arpa");
  EXPECT_EQ(c.resolve(m.model()).decoder, DecoderKind::kBeam);
}

TEST(DecodingConfig, KenLmBinaryIsRefusedWithAClearMessage) {
  const std::string kenlm = std::string("mmap lm http://kheafield.com/code") + std::string(40, '\0');
  {  // in the model's folder, under its original name (as pyctcdecode saves it)
    const ModelFolder m;
    m.add("attrs.json", R"({"alpha": 0.5})");
    m.add("unigrams.txt", "A\n");
    m.add("5gram.bin", kenlm);
    const std::string what = message_of([&] { DecodingConfig{}.resolve(m.model()); });
    EXPECT_NE(what.find("5gram.bin"), std::string::npos) << what;
    EXPECT_NE(what.find("KenLM binary"), std::string::npos) << what;
    EXPECT_NE(what.find("ARPA"), std::string::npos) << what;
    EXPECT_THROW(DecodingConfig{}.resolve(m.model()), LanguageModelError);
  }
  {  // given with --lm, whatever its name
    const TempDir d;
    write_text(d.file("lm.arpa"), kenlm);
    DecodingConfig c;
    c.lm = d.file("lm.arpa");
    EXPECT_THROW(c.resolve(d.path().string()), LanguageModelError);
  }
}

TEST(DecodingConfig, ALanguageModelFolderWithoutOneOrWithTwoIsRefused) {
  {
    const ModelFolder m;
    m.add("attrs.json", "{}");
    m.add("unigrams.txt", "A\n");
    const std::string what = message_of([&] { DecodingConfig{}.resolve(m.model()); });
    EXPECT_NE(what.find("no language model"), std::string::npos) << what;
    EXPECT_THROW(DecodingConfig{}.resolve(m.model()), LanguageModelError);
  }
  {
    const ModelFolder m;
    m.add("a.arpa", kArpa);
    m.add("b.arpa.gz", kArpa);
    EXPECT_THROW(DecodingConfig{}.resolve(m.model()), LanguageModelError);
  }
}

}  // namespace
}  // namespace w2v2
