#include "runtime/runtime_config.h"

#include <algorithm>

#include "common/error.h"

namespace w2v2 {

bool is_valid_device_name(const std::string& name) {
  if (name == "cpu" || name == "cuda" || name == "auto") return true;
  if (name.rfind("cuda:", 0) != 0 || name.size() == 5 || name.size() > 8) return false;
  return std::all_of(name.begin() + 5, name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void RuntimeConfig::validate() const {
  W2V2_CHECK_AS(ConfigError, is_valid_device_name(device), "device must be cpu, cuda, cuda:N or auto; got '",
                device, "'");
  W2V2_CHECK_AS(ConfigError, threads >= 0 && threads <= 1024, "threads must be in 0..1024 (0 = one per core)");
  W2V2_CHECK_AS(ConfigError, graph_bucket_samples > 0, "graph bucket samples must be positive");
  W2V2_CHECK_AS(ConfigError, max_graphs >= 0, "max graphs must not be negative");
}

std::string RuntimeConfig::to_string() const {
  return "RuntimeConfig(device=" + device + ", threads=" + (threads == 0 ? std::string("auto") : std::to_string(threads)) +
         ", graph=" + (graph ? "on" : "off") +
         ", keep_host_memory=" + (keep_host_memory ? "on" : "off") + ")";
}

}  // namespace w2v2
