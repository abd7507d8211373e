// Bench arithmetic (medians, nearest-rank percentiles, paired overhead), its report, and the synthetic
// audio it times.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "audio/audio_file_reader.h"
#include "bench/bench_report.h"
#include "bench/synthetic_audio.h"
#include "bench/system_info.h"
#include "support/test_support.h"

namespace w2v2 {
namespace {

TEST(BenchReport, MedianAndPercentiles) {
  EXPECT_DOUBLE_EQ(median({}), 0.0);
  EXPECT_DOUBLE_EQ(median({3.0, 1.0, 2.0}), 2.0);
  EXPECT_DOUBLE_EQ(median({4.0, 1.0, 3.0, 2.0}), 2.5);
  BenchCase c;
  for (int i = 1; i <= 100; ++i) c.latencies.push_back(i * 0.01);  // 0.01 .. 1.00
  std::reverse(c.latencies.begin(), c.latencies.end());
  EXPECT_DOUBLE_EQ(c.latency_percentile(50), 0.50);  // nearest rank: ceil(0.5 * 100) = 50th
  EXPECT_DOUBLE_EQ(c.latency_percentile(90), 0.90);
  EXPECT_DOUBLE_EQ(c.latency_percentile(99), 0.99);
  EXPECT_DOUBLE_EQ(c.latency_percentile(100), 1.00);
  EXPECT_DOUBLE_EQ(c.latency_percentile(0), 0.01);
}

TEST(BenchReport, RatesAndPairedOverhead) {
  BenchCase c;
  c.audio_seconds = 60.0;
  c.utterances = 12;
  c.wall_seconds = {12.0, 10.0, 11.0};
  c.model_only_seconds = {10.0, 10.0, 10.0};
  c.stats.device_seconds = 8.8;
  EXPECT_DOUBLE_EQ(c.wall(), 11.0);
  EXPECT_DOUBLE_EQ(c.best_wall(), 10.0);
  EXPECT_DOUBLE_EQ(c.real_time_factor(), 60.0 / 11.0);
  EXPECT_DOUBLE_EQ(c.utterances_per_second(), 12.0 / 11.0);
  EXPECT_DOUBLE_EQ(c.model_only_real_time_factor(), 6.0);
  EXPECT_DOUBLE_EQ(c.pipeline_overhead(), 1.1);  // median of 1.2, 1.0, 1.1
  EXPECT_NEAR(c.device_idle_fraction(), 0.2, 1e-12);

  BenchReport report;
  report.threads = 2;
  report.torch_version = "1.13.0";
  report.model = "m";
  report.cases.push_back(c);
  const auto j = report.to_json();
  EXPECT_EQ(j["machine"]["intra_op_threads"], 2);
  EXPECT_DOUBLE_EQ(j["cases"][0]["audio_seconds_per_second_per_thread"].get<double>(), 60.0 / 11.0 / 2.0);
  EXPECT_DOUBLE_EQ(j["cases"][0]["pipeline_overhead"].get<double>(), 1.1);
  EXPECT_EQ(j["cases"][0]["wall_seconds_repeats"].size(), 3u);
  const std::string table = report.table();
  EXPECT_NE(table.find("5.45"), std::string::npos) << table;  // RTF 60 / 11
  EXPECT_NE(table.find("1.100"), std::string::npos) << table;
}

TEST(SyntheticAudio, DeterministicSpeechLikeAndReadable) {
  const auto a = synthetic_speech(1.5, 16000, 7);
  const auto b = synthetic_speech(1.5, 16000, 7);
  const auto c = synthetic_speech(1.5, 16000, 8);
  ASSERT_EQ(a.size(), 24000u);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  double energy = 0.0, peak = 0.0;
  for (float x : a) {
    energy += x * x;
    peak = std::max(peak, static_cast<double>(std::abs(x)));
  }
  EXPECT_GT(std::sqrt(energy / a.size()), 0.02);  // not silence
  EXPECT_LE(peak, 1.0);                           // no clipping in 16-bit PCM

  test::TempDir dir;
  const auto paths = write_synthetic_corpus(dir.file("audio"), {1.0, 0.5}, 3, 0);
  ASSERT_EQ(paths.size(), 3u);
  const double expected[3] = {1.0, 0.5, 1.0};
  for (size_t i = 0; i < paths.size(); ++i) {
    const Waveform w = read_audio_file(paths[i]);
    EXPECT_EQ(w.sample_rate_hz, 16000);
    EXPECT_DOUBLE_EQ(w.duration_seconds(), expected[i]);
  }
  // A second call reuses the files (same size), a damaged one is rewritten.
  const auto before = std::filesystem::last_write_time(paths[0]);
  test::write_text(paths[1], "not audio");
  write_synthetic_corpus(dir.file("audio"), {1.0, 0.5}, 3, 0);
  EXPECT_EQ(std::filesystem::last_write_time(paths[0]), before);
  EXPECT_DOUBLE_EQ(read_audio_file(paths[1]).duration_seconds(), 0.5);
}

TEST(SystemInfo, DescribesThisMachine) {
  const SystemInfo info = SystemInfo::probe();
  EXPECT_GT(info.cores, 0u);
  EXPECT_FALSE(info.kernel.empty());
  EXPECT_GT(peak_rss_bytes(), 0u);
}

}  // namespace
}  // namespace w2v2
