#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/system_info.h"
#include "pipeline/pipeline_stats.h"

namespace w2v2 {

// Timings of one combination of modes (precision x pipeline x graph x batch size) over the whole input set.
struct BenchCase {
  std::string precision = "fp32";  // as parsed: fp32, tf32, bf16, fp16 or int8
  std::string precision_detail;    // as the engine ran it, e.g. "int8 (8-bit weights, VNNI)"
  bool pipeline = true;
  bool graph = false;
  int batch_size = 1;
  size_t utterances = 0;
  size_t failures = 0;
  double audio_seconds = 0.0;
  double load_seconds = 0.0;              // model load (and weight preparation) of this case's engine
  std::vector<double> wall_seconds;       // end-to-end, one per repeat
  std::vector<double> model_only_seconds; // the same batches, preloaded, forward alone; one per repeat
  std::vector<double> latencies;          // per-utterance seconds (read start -> decoded), all repeats
  PipelineStats stats;                    // of the median end-to-end repeat
  size_t peak_rss_bytes = 0;              // resident high-water mark from the case's start (see below)
  size_t rss_at_start_bytes = 0;          // resident at the case's start: weights and memory kept from earlier
                                          // cases (freed activations stay mapped with --keep-host-memory on)
  bool peak_rss_reset = false;            // false: the kernel refused the reset, the peak is the process's
  size_t model_only_batches = 0;          // forwards per model-only pass (long files: one per chunk)

  double wall() const;        // median end-to-end seconds
  double model_only() const;  // median model-only seconds
  double best_wall() const;   // fastest end-to-end repeat (interference only ever adds time)
  double real_time_factor() const { return wall() > 0 ? audio_seconds / wall() : 0.0; }
  double model_only_real_time_factor() const { return model_only() > 0 ? audio_seconds / model_only() : 0.0; }
  double utterances_per_second() const { return wall() > 0 ? utterances / wall() : 0.0; }
  // Median over repeats of end-to-end / model-only, each pair timed back to back (the machine's drift
  // cancels within a pair).
  double pipeline_overhead() const;
  double device_idle_fraction() const;  // 1 - forward time / wall, of the median repeat
  double latency_percentile(double p) const;  // nearest rank, p in [0, 100]
};

struct BenchReport {
  SystemInfo system;
  std::string torch_version;
  std::string version;       // w2v2 version (git commit)
  std::string command_line;
  std::string config;        // BenchConfig::to_string()
  std::string decoding;      // the resolved DecodingConfig::to_string() (Transcriber::decoding())
  std::string model;         // folder, or "random weights for <config>"
  std::string model_summary; // architecture
  int threads = 0;
  std::string device;        // where the model ran: "cpu" or e.g. "cuda:0 (NVIDIA H200)"
  std::vector<BenchCase> cases;

  nlohmann::json to_json() const;
  std::string table() const;  // readable summary for stdout
};

// Median of `values` (the mean of the middle two for an even count); 0 for none.
double median(std::vector<double> values);

}  // namespace w2v2
