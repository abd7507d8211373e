#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "datasets/utterance.h"

namespace w2v2 {

// One of `count` disjoint parts of a corpus, for cluster array jobs.
struct Shard {
  size_t index = 0;  // 0-based
  size_t count = 1;

  // "I/N" (0 <= I < N), "auto" (Slurm: SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN of
  // SLURM_ARRAY_TASK_COUNT) or "auto/N" (the index from SLURM_ARRAY_TASK_ID or Kubernetes Indexed Jobs'
  // JOB_COMPLETION_INDEX). `getenv` is injectable for tests. Throws ConfigError naming what is missing.
  static Shard parse(const std::string& text, const char* (*getenv)(const char*) = nullptr);

  // The utterances whose id hashes (FNV-1a, 64 bit) to this shard; order (and indices) kept.
  std::vector<Utterance> select(const std::vector<Utterance>& utterances) const;
  bool owns(const std::string& id) const;

  std::string to_string() const;  // "I/N"
};

}  // namespace w2v2
