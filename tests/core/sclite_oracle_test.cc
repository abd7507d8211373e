// Oracle test: NIST sclite (Debian package sctk) scores >= 500 generated hypothesis/reference pairs;
// our alignment with sclite costs must have the same cost for every pair, and the same S/D/I except on
// equal-cost ties (rare); with unit costs our error totals are never above sclite's.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <sstream>

#include "metrics/edit_distance.h"
#include "support/test_support.h"

namespace w2v2 {
namespace {

struct Counts {
  size_t c = 0, s = 0, d = 0, i = 0;
};

std::map<std::string, Counts> run_sclite(const std::string& dir) {
  const std::string command = "cd '" + dir + "' && sctk sclite -r ref.trn trn -h hyp.trn trn -i rm -o pra stdout > pra.txt 2>/dev/null";
  EXPECT_EQ(std::system(command.c_str()), 0);
  std::ifstream in(dir + "/pra.txt");
  std::map<std::string, Counts> out;
  std::string line, id;
  const std::regex id_re(R"(^id: \((.*)\)$)");
  const std::regex scores_re(R"(^Scores: \(#C #S #D #I\) (\d+) (\d+) (\d+) (\d+))");
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_search(line, m, id_re)) id = m[1];
    if (std::regex_search(line, m, scores_re)) {
      out[id] = Counts{std::stoul(m[1]), std::stoul(m[2]), std::stoul(m[3]), std::stoul(m[4])};
    }
  }
  return out;
}

TEST(ScliteOracle, AlignmentCostsAndTotalsAgree) {
  if (std::system("command -v sctk >/dev/null 2>&1") != 0) GTEST_SKIP() << "sctk (NIST sclite) is not installed";
  std::mt19937 rng(2024);
  const std::vector<std::string> vocabulary{"the", "a", "cat", "sat", "on", "mat", "dog", "ran", "to", "house",
                                            "big", "red", "it", "was", "in", "of", "and", "we", "go", "home"};
  auto word = [&] { return vocabulary[rng() % vocabulary.size()]; };
  test::TempDir dir;
  std::ofstream ref(dir.file("ref.trn")), hyp(dir.file("hyp.trn"));
  std::map<std::string, std::pair<std::vector<std::string>, std::vector<std::string>>> pairs;
  const int kPairs = 600;
  for (int k = 0; k < kPairs; ++k) {
    std::vector<std::string> r;
    for (int n = 1 + static_cast<int>(rng() % 15); n > 0; --n) r.push_back(word());
    std::vector<std::string> h;
    for (const auto& x : r) {  // random edits
      const int roll = static_cast<int>(rng() % 10);
      if (roll == 0) continue;                    // deletion
      if (roll == 1) h.push_back(word());         // substitution (or match by chance)
      else h.push_back(x);
      if (rng() % 12 == 0) h.push_back(word());   // insertion
    }
    if (k % 50 == 0) h.clear();  // some empty hypotheses
    const std::string id = "spk" + std::to_string(k % 7) + "-utt-" + std::to_string(k);
    auto join = [](const std::vector<std::string>& v) {
      std::string s;
      for (const auto& x : v) s += x + " ";
      return s;
    };
    ref << join(r) << "(" << id << ")\n";
    hyp << join(h) << "(" << id << ")\n";
    pairs[id] = {r, h};
  }
  ref.close();
  hyp.close();
  const auto sclite = run_sclite(dir.path().string());
  ASSERT_EQ(sclite.size(), pairs.size());

  size_t ties = 0;
  size_t our_unit_errors = 0, our_sclite_errors = 0, sclite_errors = 0;
  for (const auto& [id, p] : pairs) {
    const Counts& s = sclite.at(id);
    const Alignment ours = align(p.first, p.second, EditCosts::sclite());
    const int64_t sclite_cost = 4 * static_cast<int64_t>(s.s) + 3 * static_cast<int64_t>(s.d + s.i);
    ASSERT_EQ(ours.cost, sclite_cost) << id;  // every pair: the same minimum cost
    const bool same = ours.substitutions == s.s && ours.deletions == s.d && ours.insertions == s.i;
    ties += same ? 0 : 1;  // differing counts at equal cost = an equal-cost tie broken differently
    const Alignment unit = align(p.first, p.second, EditCosts::unit());
    EXPECT_LE(unit.errors(), s.s + s.d + s.i) << id;
    our_unit_errors += unit.errors();
    our_sclite_errors += ours.errors();
    sclite_errors += s.s + s.d + s.i;
  }
  EXPECT_LT(ties, pairs.size() / 100) << ties << " equal-cost ties broken differently";
  if (ties == 0) {
    EXPECT_EQ(our_sclite_errors, sclite_errors);
  }
  EXPECT_LE(our_unit_errors, sclite_errors);
  RecordProperty("ties", std::to_string(ties));
}

}  // namespace
}  // namespace w2v2
