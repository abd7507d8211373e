#include "pipeline/length_bucketer.h"

#include <algorithm>
#include <cstdint>
#include <numeric>

#include "common/error.h"

namespace w2v2 {

void BatchingConfig::validate() const {
  W2V2_CHECK_AS(ConfigError, max_batch_seconds >= 0, "max batch seconds must not be negative (0 = for the device)");
  W2V2_CHECK_AS(ConfigError, max_batch_samples >= 0, "max batch samples must not be negative (0 = for the device)");
  W2V2_CHECK_AS(ConfigError, max_batch_size >= 0 && max_batch_size <= 4096,
                "max batch size must be in 0..4096 (0 = for the device)");
  W2V2_CHECK_AS(ConfigError, sort_window > 0, "sort window must be positive");
  W2V2_CHECK_AS(ConfigError, max_window_seconds > 0, "max window seconds must be positive");
  W2V2_CHECK_AS(ConfigError, max_window_samples > 0, "max window samples must be positive");
  W2V2_CHECK_AS(ConfigError, max_padding_fraction >= 0 && max_padding_fraction <= 1,
                "max padding fraction must be in [0, 1]");
}

std::vector<std::vector<size_t>> make_batches(const std::vector<int64_t>& lengths, const BatchingConfig& config) {
  std::vector<std::vector<size_t>> batches;
  for (size_t begin = 0; begin < lengths.size(); begin += config.sort_window) {
    const size_t end = std::min(lengths.size(), begin + config.sort_window);
    std::vector<size_t> order(end - begin);
    std::iota(order.begin(), order.end(), begin);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return lengths[a] > lengths[b]; });
    std::vector<size_t> current;
    int64_t longest = 0;
    for (size_t i : order) {
      const int64_t new_longest = std::max(longest, lengths[i]);
      const bool full = static_cast<int>(current.size()) >= config.max_batch_size ||
                        new_longest * static_cast<int64_t>(current.size() + 1) > config.max_batch_samples ||
                        static_cast<double>(lengths[i]) < (1.0 - config.max_padding_fraction) * longest;
      if (!current.empty() && full) {
        batches.push_back(std::move(current));
        current.clear();
        longest = 0;
      }
      current.push_back(i);
      longest = std::max(longest, lengths[i]);
    }
    if (!current.empty()) batches.push_back(std::move(current));
  }
  return batches;
}

double padding_waste(const std::vector<int64_t>& lengths, const std::vector<std::vector<size_t>>& batches) {
  int64_t padded = 0;
  int64_t real = 0;
  for (const auto& batch : batches) {
    int64_t longest = 0;
    for (size_t i : batch) {
      longest = std::max(longest, lengths[i]);
      real += lengths[i];
    }
    padded += longest * static_cast<int64_t>(batch.size());
  }
  return padded > 0 ? static_cast<double>(padded - real) / padded : 0.0;
}

}  // namespace w2v2
