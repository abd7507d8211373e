#include "bench/bench_config.h"

#include <sstream>

#include "common/error.h"

namespace w2v2 {

void BenchConfig::validate() const {
  std::vector<std::string> problems;
  if (inputs.empty() && durations.empty()) problems.push_back("synthetic audio needs at least one duration");
  for (double d : durations) {
    if (!(d >= 0.1 && d <= 3600.0)) problems.push_back("durations must be in 0.1..3600 seconds");
  }
  if (count < 0 || (inputs.empty() && count == 0)) problems.push_back("count must be positive for synthetic audio");
  if (batch_sizes.empty()) problems.push_back("at least one batch size is needed");
  for (int b : batch_sizes) {
    if (b < 1 || b > 4096) problems.push_back("batch sizes must be in 1..4096");
  }
  if (graph_modes.empty() || pipeline_modes.empty()) problems.push_back("graph and pipeline need at least one mode each");
  if (precisions.empty()) problems.push_back("at least one precision is needed");
  for (Precision p : precisions) {
    if (p == transcriber.runtime.precision) continue;  // transcriber.validate() below checks that one
    try {
      RuntimeConfig::check_precision(p, transcriber.runtime.device);
    } catch (const ConfigError& e) {
      problems.push_back(std::string("--precisions: ") + e.what());
    }
  }
  if (warmup < 0 || warmup > 100) problems.push_back("warmup must be in 0..100");
  if (repeat < 1 || repeat > 100) problems.push_back("repeat must be in 1..100");
  try {
    transcriber.validate();
  } catch (const ConfigError& e) {
    problems.push_back(e.what());
  }
  throw_if_problems("invalid bench settings:", problems);
}

std::string BenchConfig::to_string() const {
  std::ostringstream out;
  out << "BenchConfig(inputs=" << (inputs.empty() ? "synthetic" : std::to_string(inputs.size()) + " paths")
      << ", model=" << (random_config.empty() ? transcriber.model_dir : "random weights for " + random_config)
      << ", count=" << count << ", batch_sizes=";
  for (size_t i = 0; i < batch_sizes.size(); ++i) out << (i ? "," : "") << batch_sizes[i];
  out << ", precisions=";
  for (size_t i = 0; i < precisions.size(); ++i) out << (i ? "," : "") << w2v2::to_string(precisions[i]);
  out << ", graph=";
  for (size_t i = 0; i < graph_modes.size(); ++i) out << (i ? "," : "") << (graph_modes[i] ? "on" : "off");
  out << ", pipeline=";
  for (size_t i = 0; i < pipeline_modes.size(); ++i) out << (i ? "," : "") << (pipeline_modes[i] ? "on" : "off");
  out << ", warmup=" << warmup << ", repeat=" << repeat << ", " << transcriber.runtime.to_string() << ", "
      << transcriber.decoding.to_string() << ")";
  return out.str();
}

}  // namespace w2v2
