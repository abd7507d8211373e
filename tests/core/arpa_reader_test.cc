// ArpaReader: irstlm's layout, tabs and spaces, gzip by content; every broken file refused with its name and
// the line at fault.
#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

#include "common/error.h"
#include "lm/arpa_reader.h"
#include "lm/gzip_text.h"
#include "lm/load_language_model.h"
#include "support/test_support.h"

namespace w2v2 {
namespace {

constexpr const char* kValid =
    "\\data\\\n"         // 1
    "ngram 1=4\n"        // 2
    "ngram 2=2\n"        // 3
    "\n"                 // 4
    "\\1-grams:\n"       // 5
    "-1.0 <s> -0.5\n"    // 6
    "-0.7 </s>\n"        // 7
    "-0.6 a -0.3\n"      // 8
    "-0.8 b\n"           // 9
    "\n"                 // 10
    "\\2-grams:\n"       // 11
    "-0.4 <s> a\n"       // 12
    "-0.5 a b\n"         // 13
    "\n"                 // 14
    "\\end\\\n";         // 15

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

// The message of the error parsing `text` throws ("" when it parses).
std::string error_of(const std::string& text) {
  try {
    ArpaReader::parse(text, "m.arpa");
  } catch (const LanguageModelError& e) {
    return e.what();
  }
  return "";
}

#define EXPECT_REFUSED(text, where, what)                      \
  do {                                                         \
    const std::string message = error_of(text);                \
    EXPECT_EQ(message.rfind(where, 0), 0u) << message;         \
    EXPECT_NE(message.find(what), std::string::npos) << message; \
  } while (0)

TEST(ArpaReader, ReadsIrstlmLayoutTabsAndCrlf) {
  EXPECT_EQ(error_of(kValid), "");
  // irstlm: a blank line first, padded counts, tabs; Windows line ends.
  std::string irst = replace(replace(kValid, "\\data\\\n", "\n\\data\\\n"), "ngram 1=4", "ngram  1=     4");
  irst = replace(irst, "-0.5 a b", "-0.5\ta b");
  EXPECT_EQ(error_of(irst), "");
  std::string crlf;
  for (char c : std::string(kValid)) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  EXPECT_EQ(error_of(crlf), "");
  const LmTableStorage s = ArpaReader::parse(kValid, "m.arpa");
  EXPECT_EQ(s.order, 2);
  EXPECT_EQ(s.leaf.size(), 2u);
}

TEST(ArpaReader, RefusesBrokenFilesNamingFileAndLine) {
  EXPECT_REFUSED("", "m.arpa:1:", "empty");
  EXPECT_REFUSED("\n\n  \n", "m.arpa:", "empty");
  EXPECT_REFUSED(replace(kValid, "\\data\\", "data"), "m.arpa:1:", "expected '\\data\\'");
  EXPECT_REFUSED(replace(kValid, "\\end\\\n", ""), "m.arpa:15:", "missing '\\end\\'");
  EXPECT_REFUSED(replace(kValid, "\\end\\", "\\fin\\"), "m.arpa:15:", "expected '\\end\\'");
  EXPECT_REFUSED(replace(kValid, "ngram 1=4", "ngram 1=5"), "m.arpa:10:", "has 4 n-grams but \\data\\ declares 5");
  EXPECT_REFUSED(replace(kValid, "ngram 2=2", "ngram 2=1"), "m.arpa:13:", "more n-grams");
  EXPECT_REFUSED(replace(kValid, "ngram 2=2", "ngram 3=2"), "m.arpa:3:", "expected 'ngram 2=COUNT'");
  EXPECT_REFUSED(replace(kValid, "ngram 2=2", "ngram 2=x"), "m.arpa:3:", "ngram N=COUNT");
  EXPECT_REFUSED(replace(kValid, "-0.8 b", "nan b"), "m.arpa:9:", "not finite");
  EXPECT_REFUSED(replace(kValid, "-0.8 b", "-inf b"), "m.arpa:9:", "not finite");
  EXPECT_REFUSED(replace(kValid, "-0.8 b", "0.25 b"), "m.arpa:9:", "positive");
  EXPECT_REFUSED(replace(kValid, "-0.6 a -0.3", "-0.6 a inf"), "m.arpa:8:", "backoff inf is not finite");
  EXPECT_EQ(error_of(replace(kValid, "-0.6 a -0.3", "-0.6 a 0.3")), "");  // a positive backoff is legal
  EXPECT_REFUSED(replace(kValid, "-0.8 b", "x b"), "m.arpa:9:", "expected a log10 probability");
  EXPECT_REFUSED(replace(kValid, "-0.4 <s> a", "-0.4 <s>"), "m.arpa:12:", "wrong order");
  EXPECT_REFUSED(replace(kValid, "-0.4 <s> a", "-0.4 <s> a b c"), "m.arpa:12:", "wrong order");
  EXPECT_REFUSED(replace(kValid, "-0.4 <s> a", "-0.4 <s> a b"), "m.arpa:12:", "wrong order");  // highest: no backoff
  EXPECT_REFUSED(replace(kValid, "-0.7 </s>", "-0.7 </s> x y"), "m.arpa:7:", "wrong order");
  EXPECT_REFUSED(replace(kValid, "-0.8 b", "-0.8 a"), "m.arpa:9:", "duplicate 1-gram 'a' (also on line 8)");
  EXPECT_REFUSED(replace(kValid, "-0.5 a b", "-0.5 <s> a"), "m.arpa:13:", "duplicate 2-gram (also on line 12)");
  EXPECT_REFUSED(replace(kValid, "-0.5 a b", "-0.5 a zz"), "m.arpa:13:", "'zz'");
  EXPECT_REFUSED(replace(kValid, "-0.8 b", std::string("-0.8 b\0x", 8)), "m.arpa:9:", "NUL");
  EXPECT_REFUSED(replace(kValid, "\\2-grams:", "\\3-grams:"), "m.arpa:11:", "expected '\\2-grams:'");
  EXPECT_REFUSED(std::string(kValid).substr(0, 80), "m.arpa:", "truncated");
  EXPECT_REFUSED("\\data\\\n\\1-grams:\n", "m.arpa:2:", "no 'ngram N=COUNT'");
  EXPECT_REFUSED("\\data\\\nngram 7=1\n", "m.arpa:2:", "expected 'ngram 1=COUNT'");
  std::string seven = "\\data\\\n";
  for (int n = 1; n <= 7; ++n) seven += "ngram " + std::to_string(n) + "=1\n";
  EXPECT_REFUSED(seven, "m.arpa:8:", "above the largest supported");
}

TEST(ArpaReader, TruncatedAtEveryLineIsRefused) {
  const std::string text = kValid;
  for (size_t cut = 0; cut + 1 < text.size(); ++cut) {
    if (text[cut] != '\n') continue;
    EXPECT_NE(error_of(text.substr(0, cut + 1)), "") << "cut after byte " << cut;
  }
}

// irstlm's 4-gram files hold n-grams whose suffix or context is not an (n-1)-gram; backoff scoring reaches an
// n-gram only through both, so the missing ones are added with the probability backoff gives them and
// backoff 0, which changes no score (as KenLM does).
TEST(ArpaReader, AddsMissingSuffixesAndContexts) {
  const std::string base =
      "\\data\\\nngram 1=3\nngram 2=2\nngram 3=1\n\n\\1-grams:\n-1 a -0.1\n-1 b -0.2\n-1 x\n\n\\2-grams:\n"
      "-0.5 a b -0.3\n-0.5 b a\n\n\\3-grams:\n-0.2 a b x\n\n\\end\\\n";
  // "a b x" lacks its suffix "b x": added with P(x | b) = bo(b) + p(x).
  auto lm = build_language_model(ArpaReader::parse(base, "m.arpa"), "m.arpa");
  EXPECT_EQ(lm->ngram_count(2), 3u);
  const LmWordId a = lm->word_id("a"), b = lm->word_id("b"), x = lm->word_id("x");
  LmState s = lm->null_context_state();
  EXPECT_FLOAT_EQ(lm->score(s, a, s), -1.0f);
  EXPECT_FLOAT_EQ(lm->score(s, b, s), -0.5f);
  EXPECT_FLOAT_EQ(lm->score(s, x, s), -0.2f);  // the trigram, reached through the added "b x"
  LmState only_b;
  lm->score(lm->null_context_state(), b, only_b);
  EXPECT_FLOAT_EQ(lm->score(only_b, x, s), -0.2f + -1.0f);  // the added bigram scores as its absence would
  // "x a b" lacks its context "x a": added with P(a | x) = p(a) (x has no backoff); "x" now extends to it.
  const std::string no_context = replace(base, "-0.2 a b x", "-0.2 x a b");
  lm = build_language_model(ArpaReader::parse(no_context, "m.arpa"), "m.arpa");
  s = lm->null_context_state();
  EXPECT_FLOAT_EQ(lm->score(s, x, s), -1.0f);
  EXPECT_EQ(s.length, 1);
  EXPECT_FLOAT_EQ(lm->score(s, a, s), -1.0f);
  EXPECT_EQ(s.length, 2);
  EXPECT_FLOAT_EQ(lm->score(s, b, s), -0.2f);
  // A 4-gram missing a whole chain: "c d e f" with only the unigrams.
  const std::string chain =
      "\\data\\\nngram 1=4\nngram 2=0\nngram 3=0\nngram 4=1\n\n\\1-grams:\n-1 c -0.5\n-1 d -0.25\n-1 e\n-1 f\n\n"
      "\\2-grams:\n\n\\3-grams:\n\n\\4-grams:\n-0.125 c d e f\n\n\\end\\\n";
  lm = build_language_model(ArpaReader::parse(chain, "m.arpa"), "m.arpa");
  s = lm->null_context_state();
  EXPECT_FLOAT_EQ(lm->score(s, lm->word_id("c"), s), -1.0f);
  EXPECT_FLOAT_EQ(lm->score(s, lm->word_id("d"), s), -0.5f + -1.0f);
  EXPECT_FLOAT_EQ(lm->score(s, lm->word_id("e"), s), -0.25f + -1.0f);
  EXPECT_FLOAT_EQ(lm->score(s, lm->word_id("f"), s), -0.125f);
  // Still refused: a duplicate among n-grams that needed additions.
  EXPECT_REFUSED(replace(base, "-0.2 a b x", "-0.2 a b x\n-0.3 a b x").replace(base.find("ngram 3=1"), 9, "ngram 3=2"),
                 "m.arpa:17:", "duplicate 3-gram (also on line 16)");
}

std::string gzip_bytes(const std::string& text) {
  uLongf size = compressBound(text.size()) + 64;
  std::string out(size, '\0');
  z_stream s{};
  deflateInit2(&s, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  s.avail_in = static_cast<uInt>(text.size());
  s.next_out = reinterpret_cast<Bytef*>(out.data());
  s.avail_out = static_cast<uInt>(out.size());
  deflate(&s, Z_FINISH);
  out.resize(s.total_out);
  deflateEnd(&s);
  return out;
}

TEST(ArpaReader, GzipIsToldByContentNotName) {
  test::TempDir dir;
  const std::string gz = gzip_bytes(kValid);
  test::write_text(dir.file("lm.bin"), gz);  // gzip under any name
  EXPECT_EQ(load_language_model(dir.file("lm.bin"))->ngram_count(2), 2u);
  test::write_text(dir.file("plain.arpa.gz"), kValid);  // plain text named .gz
  EXPECT_EQ(load_language_model(dir.file("plain.arpa.gz"))->ngram_count(2), 2u);
  EXPECT_EQ(gunzip(gzip_bytes("ab") + gzip_bytes("cd"), "x"), "abcd");  // concatenated members
  // Truncated and corrupt gzip data.
  for (size_t cut : {size_t{2}, size_t{10}, gz.size() / 2, gz.size() - 4}) {
    test::write_text(dir.file("cut.gz"), gz.substr(0, cut));
    try {
      load_language_model(dir.file("cut.gz"));
      ADD_FAILURE() << "cut at " << cut;
    } catch (const LanguageModelError& e) {
      EXPECT_NE(std::string(e.what()).find(dir.file("cut.gz")), std::string::npos) << e.what();
    }
  }
  std::string corrupt = gz;
  corrupt[gz.size() / 2] ^= 0x5a;
  corrupt[gz.size() / 2 + 1] ^= 0x33;
  test::write_text(dir.file("bad.gz"), corrupt);
  EXPECT_THROW(load_language_model(dir.file("bad.gz")), LanguageModelError);
  test::write_text(dir.file("magic-only.gz"), std::string("\x1f\x8b", 2) + "not gzip at all");
  EXPECT_THROW(load_language_model(dir.file("magic-only.gz")), LanguageModelError);
  EXPECT_THROW(load_language_model(dir.file("missing.arpa")), LanguageModelError);
  test::write_text(dir.file("empty.arpa"), "");
  EXPECT_THROW(load_language_model(dir.file("empty.arpa")), LanguageModelError);
}

}  // namespace
}  // namespace w2v2
