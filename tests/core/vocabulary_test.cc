#include "text/vocabulary.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "support/test_support.h"
#include "text/char_detokenizer.h"

namespace w2v2 {
namespace {

TEST(Vocabulary, ReadsTheWav2Vec2CharacterVocabulary) {
  const Vocabulary v = Vocabulary::from_file(test::fixture("models/tiny-group-st/vocab.json"));
  EXPECT_EQ(v.size(), 32);
  EXPECT_EQ(v.token(5), "E");
  EXPECT_EQ(*v.id("'"), 27);
  EXPECT_EQ(v.word_delimiter_id(), 4);
  EXPECT_TRUE(v.is_special(0));
  EXPECT_TRUE(v.is_special(3));
  EXPECT_FALSE(v.is_special(5));
  EXPECT_EQ(v.token(99), "");
}

TEST(Vocabulary, RejectsMalformedFiles) {
  EXPECT_THROW(Vocabulary::from_json_text(R"({"a": 0, "b": 0})", "v"), ConfigError);   // duplicate id
  EXPECT_THROW(Vocabulary::from_json_text(R"({"a": -1})", "v"), ConfigError);          // negative id
  EXPECT_THROW(Vocabulary::from_json_text(R"({"a": "x"})", "v"), ConfigError);         // not an integer
  EXPECT_THROW(Vocabulary::from_json_text(R"({})", "v"), ConfigError);                 // empty
  EXPECT_THROW(Vocabulary::from_json_text(R"(["a"])", "v"), ConfigError);              // not an object
  EXPECT_THROW(Vocabulary::from_json_text(R"({"a": 99999999})", "v"), ConfigError);    // absurd id
  EXPECT_THROW(Vocabulary::from_json_text("{", "v"), ConfigError);
}

TEST(Vocabulary, DeepNestingAndLongTokensNeverReachAMessageWhole) {
  try {
    Vocabulary::from_json_text("{\"a\": " + std::string(100000, '[') + std::string(100000, ']') + "}", "v");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "v: JSON nested deeper than 64 levels");
  }
  try {
    Vocabulary::from_json_text("{\"" + std::string(1 << 20, 'a') + "\": \"x\"}", "v");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_LT(std::string(e.what()).size(), 200u);
    EXPECT_NE(std::string(e.what()).find("is not an integer"), std::string::npos);
  }
}

TEST(CharDetokenizer, DelimitersSpecialsAndWhitespace) {
  const CharDetokenizer d(Vocabulary::from_file(test::fixture("models/tiny-group-st/vocab.json")));
  // H=11 E=5 L=15 O=8 |=4 W=18 R=13 D=14; <s>=1 </s>=2 <unk>=3 <pad>=0
  EXPECT_EQ(d.detokenize({11, 5, 15, 15, 8, 4, 18, 8, 13, 15, 14}), "HELLO WORLD");
  EXPECT_EQ(d.detokenize({4, 4, 11, 1, 5, 2, 4, 4, 3, 5, 4}), "HE E");
  EXPECT_EQ(d.detokenize({}), "");
  EXPECT_EQ(d.detokenize({4, 0, 4}), "");
  EXPECT_EQ(d.detokenize({27, 12}), "'S");
}

}  // namespace
}  // namespace w2v2
