// The oracle for n-gram scoring: Debian's irstlm builds a trigram ARPA from one text (tlm) and reports the
// perplexity of another (compile-lm --eval); ours must agree within 0.01 %. Skipped with a reason where irstlm
// or the fortunes text is missing (scripts/setup.sh installs both).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "lm/load_language_model.h"
#include "support/test_support.h"

namespace w2v2 {
namespace {

const char* kIrstlmDir = "/usr/lib/irstlm";

// Every line of the fortune files that is text (not the '%' separators), spaces squeezed.
std::vector<std::string> fortune_lines() {
  std::vector<std::string> lines;
  for (const char* name : {"computers", "science", "people", "literature", "wisdom"}) {
    std::ifstream in(std::string("/usr/share/games/fortunes/") + name);
    for (std::string line; std::getline(in, line);) {
      std::istringstream words(line);
      std::string word, joined;
      while (words >> word) joined += (joined.empty() ? "" : " ") + word;
      if (!joined.empty() && joined != "%") lines.push_back(joined);
    }
  }
  return lines;
}

// Runs a shell command with irstlm on the PATH; its stdout and stderr together.
std::string irstlm(const std::string& command, int& exit_code) {
  const test::CommandResult r = test::run_command(
      "/bin/sh", {"-c", std::string("export IRSTLM=") + kIrstlmDir + " PATH=" + kIrstlmDir + "/bin:$PATH; " + command});
  exit_code = r.exit_code;
  return r.out + r.err;
}

TEST(IrstlmOracle, PerplexityEqualsCompileLmEval) {
  if (!std::filesystem::exists(std::string(kIrstlmDir) + "/bin/tlm")) GTEST_SKIP() << "irstlm is not installed (apt-get install irstlm)";
  const std::vector<std::string> lines = fortune_lines();
  if (lines.size() < 2000) GTEST_SKIP() << "the fortunes text is missing (apt-get install fortunes)";
  test::TempDir dir;
  {
    std::ofstream train(dir.file("train.txt")), eval(dir.file("test.txt"));
    for (size_t i = 0; i < lines.size(); ++i) (i % 10 == 0 ? eval : train) << lines[i] << "\n";
  }
  int rc = 0;
  const std::string d = dir.path().string();
  std::string out = irstlm("cd '" + d + "' && add-start-end.sh < train.txt > train.se && add-start-end.sh < test.txt > test.se", rc);
  ASSERT_EQ(rc, 0) << out;
  // Orders 3 and 4: irstlm's 4-gram file lacks some suffixes and contexts, which the reader adds.
  for (const int order : {3, 4}) {
    SCOPED_TRACE("order " + std::to_string(order));
    const std::string arpa = "t" + std::to_string(order) + ".arpa";
    out = irstlm("cd '" + d + "' && tlm -tr=train.se -n=" + std::to_string(order) + " -lm=msb -bo=yes -o=" + arpa, rc);
    ASSERT_EQ(rc, 0) << out;
    out = irstlm("cd '" + d + "' && compile-lm " + arpa + " --eval=test.se", rc);
    ASSERT_EQ(rc, 0) << out;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(Nw=(\d+) PP=([0-9.]+) PPwp=([0-9.]+) Nbo=\d+ Noov=(\d+))"))) << out;
    const long irst_words = std::stol(m[1]);
    const double irst_pp = std::stod(m[2]);
    const long irst_oov = std::stol(m[4]);

    // Our perplexity over the same tokens: each sentence from <s> (irstlm's history restarts at <s>), every
    // word and </s> counted (irstlm's Nw), out-of-vocabulary words scored as <unk> (tlm writes it into the
    // ARPA file). irstlm's PP then charges each of them its OOV penalty, log10(dub - |V|) with the dictionary
    // upper bound dub = 10^7 (its default) and |V| its dictionary, the ARPA's 1-grams: add the same.
    const auto lm = load_language_model(dir.file(arpa));
    std::ifstream in(dir.file("test.se"));
    double log10_sum = 0;
    long words = 0, oov = 0;
    for (std::string line; std::getline(in, line);) {
      std::istringstream tokens(line);
      LmState state = lm->begin_sentence_state();
      for (std::string token; tokens >> token;) {
        if (token == "<s>") {
          state = lm->begin_sentence_state();
          continue;
        }
        const LmWordId id = lm->word_id(token);
        if (id == kLmUnknownWord) {
          ++oov;
          log10_sum -= std::log10(1e7 - static_cast<double>(lm->ngram_count(1)));
        }
        log10_sum += lm->score(state, id, state);
        ++words;
      }
    }
    const double pp = std::pow(10.0, -log10_sum / static_cast<double>(words));
    EXPECT_EQ(words, irst_words);
    EXPECT_EQ(oov, irst_oov);
    EXPECT_NEAR(pp, irst_pp, irst_pp * 1e-4) << out;
    std::cerr << "order " << order << ": ours PP=" << pp << " Nw=" << words << " Noov=" << oov << "; irstlm " << m[0] << "\n";
  }
}

}  // namespace
}  // namespace w2v2
