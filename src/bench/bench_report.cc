#include "bench/bench_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace w2v2 {

double median(std::vector<double> values) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

double BenchCase::wall() const { return median(wall_seconds); }
double BenchCase::model_only() const { return median(model_only_seconds); }

double BenchCase::best_wall() const {
  return wall_seconds.empty() ? 0.0 : *std::min_element(wall_seconds.begin(), wall_seconds.end());
}

double BenchCase::pipeline_overhead() const {
  std::vector<double> ratios;
  for (size_t r = 0; r < std::min(wall_seconds.size(), model_only_seconds.size()); ++r) {
    if (model_only_seconds[r] > 0) ratios.push_back(wall_seconds[r] / model_only_seconds[r]);
  }
  return median(ratios);
}

double BenchCase::device_idle_fraction() const {
  const double w = wall();
  return w > 0 ? std::max(0.0, 1.0 - stats.device_seconds / w) : 0.0;
}

double BenchCase::latency_percentile(double p) const {
  if (latencies.empty()) return 0.0;
  std::vector<double> sorted = latencies;
  std::sort(sorted.begin(), sorted.end());
  const auto rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

nlohmann::json BenchReport::to_json() const {
  nlohmann::json cases_json = nlohmann::json::array();
  for (const BenchCase& c : cases) {
    cases_json.push_back({
        {"precision", c.precision},
        {"precision_detail", c.precision_detail},
        {"pipeline", c.pipeline},
        {"graph", c.graph},
        {"batch_size", c.batch_size},
        {"utterances", c.utterances},
        {"failures", c.failures},
        {"audio_seconds", c.audio_seconds},
        {"wall_seconds", c.wall()},
        {"wall_seconds_repeats", c.wall_seconds},
        {"best_wall_seconds", c.best_wall()},
        {"best_real_time_factor", c.best_wall() > 0 ? c.audio_seconds / c.best_wall() : 0.0},
        {"model_only_seconds", c.model_only()},
        {"model_only_seconds_repeats", c.model_only_seconds},
        {"real_time_factor", c.real_time_factor()},
        {"audio_seconds_per_second", c.real_time_factor()},
        {"audio_seconds_per_second_per_thread", threads > 0 ? c.real_time_factor() / threads : 0.0},
        {"model_only_real_time_factor", c.model_only_real_time_factor()},
        {"pipeline_overhead", c.pipeline_overhead()},
        {"utterances_per_second", c.utterances_per_second()},
        {"latency_seconds", {{"p50", c.latency_percentile(50)}, {"p90", c.latency_percentile(90)},
                             {"p99", c.latency_percentile(99)}}},
        {"busy_seconds", {{"read", c.stats.read_seconds}, {"batch", c.stats.batch_seconds},
                          {"device", c.stats.device_seconds}, {"decode", c.stats.decode_seconds},
                          {"write", c.stats.write_seconds}}},
        {"device_waited_on_host_seconds", c.stats.device_wait_seconds},
        {"device_idle_fraction", c.device_idle_fraction()},
        {"batches", c.stats.batches},
        {"padding_waste", c.stats.padding_waste},
        {"peak_rss_bytes", c.peak_rss_bytes},
        {"rss_at_case_start_bytes", c.rss_at_start_bytes},
        {"peak_rss_reset_at_case_start", c.peak_rss_reset},
        {"model_only_batches", c.model_only_batches},
        {"model_load_seconds", c.load_seconds},
    });
  }
  return {
      {"tool", "w2v2 bench"},
      {"version", version},
      {"command_line", command_line},
      {"config", config},
      {"decoding", decoding},
      {"model", model},
      {"model_summary", model_summary},
      {"machine",
       {{"cpu_model", system.cpu_model}, {"cores", system.cores}, {"cpu_flags", system.cpu_flags},
        {"blas_library", system.blas_library}, {"kernel", system.kernel}, {"torch_version", torch_version},
        {"intra_op_threads", threads}, {"device", device}}},
      {"cases", cases_json},
  };
}

std::string BenchReport::table() const {
  std::ostringstream out;
  out << "w2v2 bench: " << model << "\n"
      << system.cpu_model << ", " << system.cores << " cores, " << threads << " intra-op threads, torch "
      << torch_version << ", BLAS " << system.blas_library << ", device " << device << "\n\n";
  char line[512];
  std::snprintf(line, sizeof(line), "%-9s %-8s %-5s %5s | %7s %7s %7s | %7s %7s %7s | %8s %8s | %6s %7s %8s | %8s %8s\n",
                "precision", "pipeline", "graph", "batch", "RTF", "utt/s", "audio s", "p50 s", "p90 s", "p99 s", "model RTF",
                "overhead", "idle%", "pad%", "RSS MB", "fwd s", "decode s");
  out << line;
  for (const BenchCase& c : cases) {
    std::snprintf(line, sizeof(line),
                  "%-9s %-8s %-5s %5d | %7.2f %7.2f %7.1f | %7.3f %7.3f %7.3f | %8.2f %8.3f | %6.1f %7.1f %8.0f | %8.2f %8.3f\n",
                  c.precision.c_str(), c.pipeline ? "on" : "off", c.graph ? "on" : "off", c.batch_size, c.real_time_factor(),
                  c.utterances_per_second(), c.audio_seconds, c.latency_percentile(50), c.latency_percentile(90),
                  c.latency_percentile(99), c.model_only_real_time_factor(), c.pipeline_overhead(),
                  100.0 * c.device_idle_fraction(), 100.0 * c.stats.padding_waste,
                  static_cast<double>(c.peak_rss_bytes) / (1024.0 * 1024.0), c.stats.device_seconds,
                  c.stats.decode_seconds);
    out << line;
    if (c.failures > 0) out << "  (" << c.failures << " inputs failed)\n";
  }
  out << "\nRTF: audio seconds per wall second, end to end (median of repeats); model RTF: the same batches, "
         "preloaded, forward alone; overhead = end-to-end / model-only wall time; fwd s / decode s: busy seconds "
         "of the forward passes and of the decode pool (summed over its threads), of the median repeat.\n";
  if (!decoding.empty()) out << "decoding: " << decoding << "\n";
  return out.str();
}

}  // namespace w2v2
