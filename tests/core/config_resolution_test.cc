// The library rules the command line used to hold: default journal paths, {shard} in paths, and the
// settings chosen for the device (batch seconds -> samples at the audio's sample rate). Expected values by hand.
#include <gtest/gtest.h>

#include <string>

#include "common/error.h"
#include "datasets/shard.h"
#include "pipeline/pipeline_config.h"
#include "engine/device.h"
#include "transcriber_config.h"

namespace w2v2 {
namespace {

OutputConfig output(const std::string& path, const std::string& dir = "", const std::string& journal = "") {
  OutputConfig o;
  o.path = path;
  o.output_dir = dir;
  o.journal_path = journal;
  return o;
}

TEST(OutputPaths, ShardIndexReplacesEveryPlaceholder) {
  const Shard shard{2, 4};
  OutputConfig o = output("out.{shard}.txt", "dir{shard}/{shard}", "j{shard}.jsonl");
  o.resolve_paths(&shard);
  EXPECT_EQ(o.path, "out.2.txt");
  EXPECT_EQ(o.output_dir, "dir2/2");
  EXPECT_EQ(o.journal_path, "j2.jsonl");
}

TEST(OutputPaths, WithoutAShardPlaceholdersStay) {
  OutputConfig o = output("out.{shard}.txt");
  o.resolve_paths(nullptr);
  EXPECT_EQ(o.path, "out.{shard}.txt");
  EXPECT_EQ(o.journal_path, "out.{shard}.txt.journal");
}

TEST(OutputPaths, DefaultJournalBesideTheOutputs) {
  OutputConfig file = output("run/out.txt");
  file.resolve_paths(nullptr);
  EXPECT_EQ(file.journal_path, "run/out.txt.journal");

  OutputConfig dir = output("", "run/texts");
  dir.resolve_paths(nullptr);
  EXPECT_EQ(dir.journal_path, "run/texts/.w2v2-journal.jsonl");

  OutputConfig both = output("all.txt", "per-file");
  both.resolve_paths(nullptr);
  EXPECT_EQ(both.journal_path, "per-file/.w2v2-journal.jsonl") << "the folder's journal wins";

  const Shard shard{1, 3};
  OutputConfig sharded = output("part.{shard}.jsonl");
  sharded.resolve_paths(&shard);
  EXPECT_EQ(sharded.journal_path, "part.1.jsonl.journal");
}

TEST(OutputPaths, StdoutHasNoJournalAndAGivenJournalIsKept) {
  for (const char* stdout_path : {"", "-"}) {
    OutputConfig o = output(stdout_path);
    o.resolve_paths(nullptr);
    EXPECT_EQ(o.journal_path, "") << "'" << stdout_path << "'";
  }
  OutputConfig given = output("out.txt", "", "elsewhere.jsonl");
  given.resolve_paths(nullptr);
  EXPECT_EQ(given.journal_path, "elsewhere.jsonl");
}

TEST(OutputPaths, ResumeNeedsAJournal) {
  OutputConfig o = output("-");
  o.resume = true;
  try {
    o.resolve_paths(nullptr);
    ADD_FAILURE() << "resume without a journal was accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), "--resume needs --output FILE, --output-dir DIR or --journal FILE");
  }
  OutputConfig ok = output("out.txt");
  ok.resume = true;
  EXPECT_NO_THROW(ok.resolve_paths(nullptr));
  OutputConfig journal_only = output("", "", "j.jsonl");
  journal_only.resume = true;
  EXPECT_NO_THROW(journal_only.resolve_paths(nullptr));
}

PipelineConfig for_the_device() {
  PipelineConfig p;
  p.reader_threads = 0;
  p.batching.max_batch_size = 0;
  p.batching.max_batch_seconds = 0.0;
  return p;
}

TEST(DeviceDefaults, CpuGetsOneReaderBatchesOfOneAndSixtySeconds) {
  PipelineConfig p = for_the_device();
  p.resolve_for_device(Device::cpu(), 16, 16000);
  EXPECT_EQ(p.reader_threads, 1);
  EXPECT_EQ(p.batching.max_batch_size, 1);
  EXPECT_EQ(p.batching.max_batch_seconds, 60.0);
  EXPECT_EQ(p.batching.max_batch_samples, 960000);
}

TEST(DeviceDefaults, GpuGetsHalfTheCoresAsReadersBatchesOfSixteenAnd320Seconds) {
  PipelineConfig p = for_the_device();
  p.resolve_for_device(Device::cuda(0), 12, 16000);
  EXPECT_EQ(p.reader_threads, 6);
  EXPECT_EQ(p.batching.max_batch_size, 16);
  EXPECT_EQ(p.batching.max_batch_seconds, 320.0);
  EXPECT_EQ(p.batching.max_batch_samples, 5120000);
  PipelineConfig few = for_the_device();
  few.resolve_for_device(Device::cuda(1), 2, 16000);
  EXPECT_EQ(few.reader_threads, 2) << "at least 2";
  PipelineConfig many = for_the_device();
  many.resolve_for_device(Device::cuda(), 64, 16000);
  EXPECT_EQ(many.reader_threads, 8) << "at most 8";
}

TEST(DeviceDefaults, GivenSettingsAreKeptAndSecondsUseTheSampleRate) {
  PipelineConfig p;
  p.reader_threads = 3;
  p.batching.max_batch_size = 5;
  p.batching.max_batch_seconds = 12.5;
  p.resolve_for_device(Device::cuda(0), 16, 8000);
  EXPECT_EQ(p.reader_threads, 3);
  EXPECT_EQ(p.batching.max_batch_size, 5);
  EXPECT_EQ(p.batching.max_batch_seconds, 12.5);
  EXPECT_EQ(p.batching.max_batch_samples, 100000);
  EXPECT_EQ(p.batching.max_window_samples, 600 * 8000);  // the batcher's window cap: 600 s at 8 kHz
  p.resolve_for_device(Device::cuda(0), 16, 8000);
  EXPECT_EQ(p.batching.max_batch_samples, 100000) << "idempotent";
  p.batching.max_batch_seconds = 0.5;
  p.resolve_for_device(Device::cpu(), 1, 16000);
  EXPECT_EQ(p.batching.max_batch_samples, 8000);
  EXPECT_THROW(p.resolve_for_device(Device::cpu(), 1, 0), ConfigError);
}

TEST(DeviceDefaults, TranscriberConfigConvertsAtTheAudioSampleRate) {
  TranscriberConfig cfg;
  cfg.pipeline = for_the_device();
  cfg.audio.target_sample_rate_hz = 8000;
  cfg.resolve_for_device(Device::cpu(), 4);
  EXPECT_EQ(cfg.pipeline.batching.max_batch_samples, 480000);
  cfg.pipeline.batching.max_batch_seconds = 2.0;
  cfg.audio.target_sample_rate_hz = 16000;
  cfg.resolve_for_device(Device::cuda(0), 4);
  EXPECT_EQ(cfg.pipeline.batching.max_batch_samples, 32000);
  EXPECT_EQ(cfg.pipeline.reader_threads, 1) << "resolved once, at the first call";
}

TEST(DeviceDefaults, NegativeBatchSecondsAreInvalid) {
  PipelineConfig p;
  p.batching.max_batch_seconds = -1.0;
  EXPECT_THROW(p.validate(), ConfigError);
}

}  // namespace
}  // namespace w2v2
