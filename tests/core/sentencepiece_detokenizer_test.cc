#include "text/sentencepiece_detokenizer.h"

#include <gtest/gtest.h>
#include <sentencepiece_processor.h>

#include <random>

#include "common/error.h"
#include "support/test_support.h"

namespace w2v2 {
namespace {

const std::string kModel = test::fixture("sentencepiece/tiny.model");

// libsentencepiece is the oracle: our reader must see the same pieces and decode the same text.
TEST(SentencePieceDetokenizer, PiecesMatchLibsentencepiece) {
  sentencepiece::SentencePieceProcessor oracle;
  ASSERT_TRUE(oracle.Load(kModel).ok());
  const SentencePieceDetokenizer ours(kModel, 0);
  ASSERT_EQ(ours.num_units(), oracle.GetPieceSize());
  for (int i = 0; i < oracle.GetPieceSize(); ++i) {
    EXPECT_EQ(ours.pieces()[i].text, oracle.IdToPiece(i)) << i;
    EXPECT_EQ(ours.pieces()[i].type == SentencePieceDetokenizer::PieceType::kControl, oracle.IsControl(i)) << i;
    EXPECT_EQ(ours.pieces()[i].type == SentencePieceDetokenizer::PieceType::kByte, oracle.IsByte(i)) << i;
  }
}

TEST(SentencePieceDetokenizer, DecodesEncodedSentencesLikeLibsentencepiece) {
  sentencepiece::SentencePieceProcessor oracle;
  ASSERT_TRUE(oracle.Load(kModel).ok());
  const SentencePieceDetokenizer ours(kModel, 0);
  for (const std::string text : {"THE QUICK BROWN FOX", "SPEECH RECOGNITION IT'S TEXT", "café über 東京 QZX",
                                 "A SINGLE STEP <sep> ONE FRAME"}) {
    std::vector<int> ids;
    ASSERT_TRUE(oracle.Encode(text, &ids).ok());
    std::string expected;
    ASSERT_TRUE(oracle.Decode(ids, &expected).ok());
    EXPECT_EQ(ours.detokenize(ids), expected) << text;
    EXPECT_EQ(ours.detokenize(ids), text);
  }
}

TEST(SentencePieceDetokenizer, RandomIdSequencesDecodeLikeLibsentencepiece) {
  sentencepiece::SentencePieceProcessor oracle;
  ASSERT_TRUE(oracle.Load(kModel).ok());
  const SentencePieceDetokenizer ours(kModel, /*blank_id=*/0);
  std::mt19937 rng(3);
  for (int trial = 0; trial < 500; ++trial) {
    std::vector<int> ids;
    for (int i = 0, n = 1 + static_cast<int>(rng() % 12); i < n; ++i) {
      // Skip byte pieces: a random byte sequence is not valid UTF-8 and the library's replacement
      // policy for that is out of scope for CTC output.
      int id;
      do id = static_cast<int>(rng() % oracle.GetPieceSize());
      while (oracle.IsByte(id) || oracle.IsUnknown(id));
      ids.push_back(id);
    }
    std::string expected;
    ASSERT_TRUE(oracle.Decode(ids, &expected).ok());
    EXPECT_EQ(ours.detokenize(ids), expected);
  }
}

TEST(SentencePieceDetokenizer, DropsTheCtcBlankAndRejectsGarbage) {
  const SentencePieceDetokenizer ours(kModel, 0);
  EXPECT_EQ(ours.detokenize({0, 0}), "");
  EXPECT_THROW(SentencePieceDetokenizer::parse_model("\x0a\xff\xff\xff\xff\x0f", "bad.model"), ModelLoadError);
  EXPECT_THROW(SentencePieceDetokenizer::parse_model("", "empty.model"), ModelLoadError);
  EXPECT_THROW(SentencePieceDetokenizer::parse_model("\x0b\x0b\x0b", "bad.model"), ModelLoadError);
}

}  // namespace
}  // namespace w2v2
