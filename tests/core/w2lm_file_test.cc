// .w2lm files: what lm-compile writes loads back; a corrupt file (bad magic, other version, truncated, offsets
// or child indices out of range, counts that disagree) is refused naming the file, before any lookup.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>

#include "common/error.h"
#include "lm/arpa_reader.h"
#include "lm/compile_language_model.h"
#include "lm/load_language_model.h"
#include "lm/w2lm_file.h"
#include "support/test_support.h"

namespace w2v2 {
namespace {

constexpr const char* kArpa =
    "\\data\\\nngram 1=5\nngram 2=4\nngram 3=2\n\n\\1-grams:\n-1.0\t<s>\t-0.5\n-0.7\t</s>\n-0.6\ta\t-0.3\n"
    "-0.8\tb\t-0.2\n-1.2\tc\n\n\\2-grams:\n-0.4\t<s> a\t-0.1\n-0.5\ta b\t-0.15\n-0.3\tb c\n-0.6\ta </s>\n\n"
    "\\3-grams:\n-0.2\t<s> a b\n-0.1\ta b c\n\n\\end\\\n";

// Header fields (w2lm_file.h): version at 8, counts at 32, file size at 80, sections {offset, size} from 88.
constexpr size_t kVersionAt = 8, kCountsAt = 32, kFileSizeAt = 80, kSectionsAt = 88;
constexpr int kInner1 = 0, kInner2 = 1, kLeaf = 6, kWordOffsets = 7, kHashSlots = 9;

class W2lmFile : public ::testing::Test {
 protected:
  void SetUp() override {
    test::write_text(dir_.file("m.arpa"), kArpa);
    compile_language_model(dir_.file("m.arpa"), dir_.file("m.w2lm"));
    image_ = test::read_text(dir_.file("m.w2lm"));
  }
  template <typename T>
  T get(const std::string& bytes, size_t at) const {
    T v;
    std::memcpy(&v, bytes.data() + at, sizeof v);
    return v;
  }
  template <typename T>
  std::string with(std::string bytes, size_t at, T value) const {
    std::memcpy(bytes.data() + at, &value, sizeof value);
    return bytes;
  }
  uint64_t section_offset(int s) const { return get<uint64_t>(image_, kSectionsAt + 16 * s); }
  // The error loading `bytes` as a .w2lm file ("" when it loads).
  std::string error_of(const std::string& bytes) {
    const std::string path = dir_.file("bad.w2lm");
    test::write_text(path, bytes);
    try {
      map_w2lm_file(path);
    } catch (const LanguageModelError& e) {
      const std::string message = e.what();
      EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << message;
      return message;
    }
    return "";
  }
  test::TempDir dir_;
  std::string image_;
};

TEST_F(W2lmFile, LoadsWhatLmCompileWrites) {
  const auto from_arpa = load_language_model(dir_.file("m.arpa"));
  const auto from_binary = load_language_model(dir_.file("m.w2lm"));
  EXPECT_EQ(image_.size() % 8, 0u);
  EXPECT_EQ(image_.substr(0, 8), std::string(kW2lmMagic, 8));
  LmState a = from_arpa->begin_sentence_state(), b = from_binary->begin_sentence_state();
  for (const char* w : {"a", "b", "c", "zz", "a", "</s>"}) {
    EXPECT_EQ(from_arpa->score(a, from_arpa->word_id(w), a), from_binary->score(b, from_binary->word_id(w), b));
    EXPECT_EQ(a, b);
  }
  EXPECT_EQ(error_of(image_), "");
}

TEST_F(W2lmFile, RefusesCorruptHeaders) {
  std::string bad_magic = image_;
  bad_magic[1] = 'X';
  EXPECT_NE(error_of(bad_magic).find("bad magic"), std::string::npos);
  EXPECT_NE(error_of(with<uint32_t>(image_, kVersionAt, 2)).find("format version 2"), std::string::npos);
  EXPECT_NE(error_of(with<uint32_t>(image_, kVersionAt + 8, 9)).find("order 9"), std::string::npos);
  EXPECT_NE(error_of(image_ + std::string(8, '\0')).find("the file has"), std::string::npos);
  // Counts that disagree with the sections.
  EXPECT_NE(error_of(with<uint64_t>(image_, kCountsAt + 8, 5)).find("its counts need"), std::string::npos);
  EXPECT_NE(error_of(with<uint64_t>(image_, kCountsAt + 8 * 4, 1)).find("5-grams in an order-3 model"), std::string::npos);
  // Offsets out of range, misaligned, inside the header.
  for (int s : {kInner1, kInner2, kLeaf, kWordOffsets, kHashSlots}) {
    const size_t at = kSectionsAt + 16 * s;
    EXPECT_NE(error_of(with<uint64_t>(image_, at, image_.size())).find("outside the file"), std::string::npos) << s;
    EXPECT_NE(error_of(with<uint64_t>(image_, at, ~uint64_t{0} - 7)).find("outside the file"), std::string::npos) << s;
    EXPECT_NE(error_of(with<uint64_t>(image_, at, section_offset(s) + 4)).find("outside the file"), std::string::npos) << s;
    EXPECT_NE(error_of(with<uint64_t>(image_, at, 8)).find("outside the file"), std::string::npos) << s;
  }
  EXPECT_NE(error_of(with<uint64_t>(image_, kFileSizeAt, 1 << 30)).find("the header says"), std::string::npos);
}

TEST_F(W2lmFile, RefusesIndicesOutOfRange) {
  // A unigram whose children run past the bigrams, a falling child index, a hash slot naming no word, word
  // offsets past the strings, a </s> id past the vocabulary.
  const uint64_t inner1 = section_offset(kInner1);
  EXPECT_NE(error_of(with<uint32_t>(image_, inner1 + 16 * 2 + 12, 1000)).find("child index"), std::string::npos);
  EXPECT_NE(error_of(with<uint32_t>(image_, inner1 + 16 * 6 + 12, 3)).find("child indices do not end"), std::string::npos);
  const uint64_t hash = section_offset(kHashSlots);
  std::string bad_hash = image_;
  for (size_t i = 0; i < 8; ++i) bad_hash = with<uint32_t>(bad_hash, hash + 4 * i, 999);
  EXPECT_NE(error_of(bad_hash).find("names no word"), std::string::npos);
  EXPECT_NE(error_of(with<uint32_t>(image_, section_offset(kWordOffsets) + 4, 100000)).find("word offsets"), std::string::npos);
  EXPECT_NE(error_of(with<uint32_t>(image_, 28, 77)).find("</s> id"), std::string::npos);
}

TEST_F(W2lmFile, RefusesEveryTruncation) {
  for (size_t cut : {size_t{0}, size_t{7}, size_t{8}, size_t{100}, size_t{255}, size_t{256}, image_.size() / 2,
                     image_.size() - 8, image_.size() - 1}) {
    EXPECT_NE(error_of(image_.substr(0, cut)), "") << cut;
  }
  // Through load_language_model too: a file too short for the magic reads as a (broken) ARPA file.
  test::write_text(dir_.file("short.w2lm"), image_.substr(0, 4));
  EXPECT_THROW(load_language_model(dir_.file("short.w2lm")), LanguageModelError);
  test::write_text(dir_.file("half.w2lm"), image_.substr(0, 300));
  EXPECT_THROW(load_language_model(dir_.file("half.w2lm")), LanguageModelError);
}

TEST_F(W2lmFile, RandomCorruptionLoadsOrIsRefused) {
  // Flipped bytes anywhere: either refused, or every lookup stays inside the file (run under ASan in CI).
  std::mt19937 rng(3);
  int refused = 0;
  for (int trial = 0; trial < 400; ++trial) {
    std::string bytes = image_;
    for (int k = 0; k < 3; ++k) bytes[rng() % bytes.size()] ^= static_cast<char>(1 + rng() % 255);
    const std::string path = dir_.file("flip.w2lm");
    test::write_text(path, bytes);
    try {
      const auto lm = map_w2lm_file(path);
      LmState s = lm->begin_sentence_state();
      for (LmWordId w = 0; w < 8; ++w) lm->score(s, w, s);
      lm->end_sentence_score(s);
      lm->for_each_unigram([](std::string_view, float) {});
    } catch (const LanguageModelError&) {
      ++refused;
    }
  }
  EXPECT_GT(refused, 100);
}

}  // namespace
}  // namespace w2v2
