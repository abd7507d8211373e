// Sharding for array jobs: parsing (explicit, Slurm, Kubernetes) and a deterministic, disjoint, complete
// partition by id.
#include "datasets/shard.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "common/error.h"

namespace w2v2 {
namespace {

std::map<std::string, std::string> g_env;
const char* fake_getenv(const char* name) {
  auto it = g_env.find(name);
  return it == g_env.end() ? nullptr : it->second.c_str();
}

TEST(Shard, ParsesExplicitSlurmAndKubernetesForms) {
  g_env.clear();
  const Shard s = Shard::parse("2/5", fake_getenv);
  EXPECT_EQ(s.index, 2u);
  EXPECT_EQ(s.count, 5u);
  EXPECT_EQ(s.to_string(), "2/5");
  for (const char* bad : {"5/5", "1", "a/2", "-1/3", "1/0", "auto"}) {
    EXPECT_THROW(Shard::parse(bad, fake_getenv), ConfigError) << bad;
  }
  g_env = {{"SLURM_ARRAY_TASK_ID", "7"}, {"SLURM_ARRAY_TASK_MIN", "4"}, {"SLURM_ARRAY_TASK_COUNT", "4"}};
  EXPECT_EQ(Shard::parse("auto", fake_getenv).to_string(), "3/4");
  g_env = {{"SLURM_ARRAY_TASK_ID", "1"}};
  EXPECT_THROW(Shard::parse("auto", fake_getenv), ConfigError);  // no count
  EXPECT_EQ(Shard::parse("auto/3", fake_getenv).to_string(), "1/3");
  g_env = {{"JOB_COMPLETION_INDEX", "2"}};
  EXPECT_EQ(Shard::parse("auto/3", fake_getenv).to_string(), "2/3");
  EXPECT_THROW(Shard::parse("auto", fake_getenv), ConfigError);  // Indexed Jobs give no count
  g_env = {{"JOB_COMPLETION_INDEX", "3"}};
  EXPECT_THROW(Shard::parse("auto/3", fake_getenv), ConfigError);
}

TEST(Shard, PartitionIsDisjointCompleteAndStable) {
  std::vector<Utterance> all(1000);
  for (size_t i = 0; i < all.size(); ++i) {
    all[i].index = i;
    all[i].id = "speaker-" + std::to_string(i % 17) + "/utt" + std::to_string(i);
  }
  std::map<std::string, int> owners;
  size_t smallest = all.size(), largest = 0;
  for (size_t k = 0; k < 4; ++k) {
    const auto part = Shard{k, 4}.select(all);
    smallest = std::min(smallest, part.size());
    largest = std::max(largest, part.size());
    size_t previous = 0;
    for (const auto& u : part) {
      ++owners[u.id];
      EXPECT_GE(u.index, previous);  // input order kept
      previous = u.index;
    }
  }
  EXPECT_EQ(owners.size(), all.size());
  for (const auto& [id, n] : owners) EXPECT_EQ(n, 1) << id;
  EXPECT_GT(smallest, 200u);  // roughly balanced (250 each)
  EXPECT_LT(largest, 300u);
  EXPECT_TRUE(Shard({1, 4}).owns(Shard{1, 4}.select(all).front().id));
}

}  // namespace
}  // namespace w2v2
