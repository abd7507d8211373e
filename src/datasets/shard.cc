#include "datasets/shard.h"

#include <cstdint>
#include <cstdlib>

#include "common/error.h"

namespace w2v2 {
namespace {

uint64_t fnv1a(const std::string& text) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

size_t parse_number(const std::string& text, const std::string& what) {
  W2V2_CHECK_AS(ConfigError, !text.empty() && text.find_first_not_of("0123456789") == std::string::npos && text.size() < 10,
                what, " must be a non-negative integer, got '", text, "'");
  return static_cast<size_t>(std::stoull(text));
}

}  // namespace

Shard Shard::parse(const std::string& text, const char* (*getenv)(const char*)) {
  auto env = [getenv](const char* name) -> std::string {
    const char* v = getenv ? getenv(name) : std::getenv(name);
    return v ? std::string(v) : std::string();
  };
  Shard shard;
  const auto slash = text.find('/');
  const std::string first = text.substr(0, slash);
  const std::string second = slash == std::string::npos ? "" : text.substr(slash + 1);
  if (first == "auto") {
    const std::string slurm_id = env("SLURM_ARRAY_TASK_ID");
    const std::string k8s_index = env("JOB_COMPLETION_INDEX");
    if (!slurm_id.empty()) {
      const std::string min = env("SLURM_ARRAY_TASK_MIN");
      const size_t id = parse_number(slurm_id, "SLURM_ARRAY_TASK_ID");
      const size_t base = min.empty() ? 0 : parse_number(min, "SLURM_ARRAY_TASK_MIN");
      W2V2_CHECK_AS(ConfigError, id >= base, "SLURM_ARRAY_TASK_ID ", id, " is below SLURM_ARRAY_TASK_MIN ", base);
      shard.index = id - base;
      const std::string count = env("SLURM_ARRAY_TASK_COUNT");
      if (second.empty()) {
        W2V2_CHECK_AS(ConfigError, !count.empty(), "--shard auto: SLURM_ARRAY_TASK_COUNT is not set (use auto/N)");
        shard.count = parse_number(count, "SLURM_ARRAY_TASK_COUNT");
      }
    } else if (!k8s_index.empty()) {
      shard.index = parse_number(k8s_index, "JOB_COMPLETION_INDEX");
      W2V2_CHECK_AS(ConfigError, !second.empty(),
                    "--shard auto under a Kubernetes Indexed Job needs the count: --shard auto/N (N = completions)");
    } else {
      throw ConfigError("--shard auto: neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set");
    }
    if (!second.empty()) shard.count = parse_number(second, "the shard count");
  } else {
    W2V2_CHECK_AS(ConfigError, slash != std::string::npos, "--shard must be I/N, auto or auto/N, got '", text, "'");
    shard.index = parse_number(first, "the shard index");
    shard.count = parse_number(second, "the shard count");
  }
  W2V2_CHECK_AS(ConfigError, shard.count >= 1 && shard.index < shard.count, "shard ", shard.index, "/", shard.count,
                ": the index must be below the count (0-based)");
  return shard;
}

bool Shard::owns(const std::string& id) const { return fnv1a(id) % count == index; }

std::vector<Utterance> Shard::select(const std::vector<Utterance>& utterances) const {
  std::vector<Utterance> out;
  for (const Utterance& u : utterances) {
    if (owns(u.id)) out.push_back(u);
  }
  return out;
}

std::string Shard::to_string() const { return std::to_string(index) + "/" + std::to_string(count); }

}  // namespace w2v2
