#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <mutex>
#include <numeric>
#include <random>
#include <set>
#include <sndfile.h>
#include <thread>

#include "decoding/ctc_greedy_decoder.h"
#include "pipeline/bounded_queue.h"
#include "pipeline/length_bucketer.h"
#include "pipeline/transcription_pipeline.h"
#include "support/test_support.h"
#include "text/char_detokenizer.h"

namespace w2v2 {
namespace {

TEST(BoundedQueue, CloseWakesBlockedConsumersAndProducers) {
  BoundedQueue<int> q(1);
  std::thread consumer([&] { EXPECT_FALSE(q.pop().has_value()); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  q.close();
  consumer.join();

  BoundedQueue<int> full(1);
  ASSERT_TRUE(full.push(1));
  std::thread producer([&] { EXPECT_FALSE(full.push(2)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  full.close();
  producer.join();
  EXPECT_EQ(full.pop(), 1);  // what was accepted is still delivered after close
  EXPECT_FALSE(full.pop().has_value());
}

TEST(BoundedQueue, NoItemLostOrDuplicatedUnderContention) {
  BoundedQueue<int> q(3);
  constexpr int kProducers = 4, kPerProducer = 5000;
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      for (int i = 0; i < kPerProducer; ++i) ASSERT_TRUE(q.push(p * kPerProducer + i));
    });
  }
  std::mutex mutex;
  std::vector<int> seen;
  std::vector<std::thread> consumers;
  for (int c = 0; c < 3; ++c) {
    consumers.emplace_back([&] {
      while (auto v = q.pop()) {
        std::lock_guard<std::mutex> lock(mutex);
        seen.push_back(*v);
      }
    });
  }
  for (auto& t : producers) t.join();
  q.close();
  for (auto& t : consumers) t.join();
  ASSERT_EQ(seen.size(), static_cast<size_t>(kProducers * kPerProducer));
  std::sort(seen.begin(), seen.end());
  for (int i = 0; i < kProducers * kPerProducer; ++i) ASSERT_EQ(seen[i], i);
}

TEST(LengthBucketer, ExactBatchesUnderTheCaps) {
  BatchingConfig config;
  config.max_batch_samples = 100;
  config.max_batch_size = 3;
  config.sort_window = 8;
  config.max_padding_fraction = 1.0;  // caps only
  const std::vector<int64_t> lengths{10, 50, 20, 40, 30, 120, 5, 25};
  const auto batches = make_batches(lengths, config);
  // Sorted longest first: 120 | 50 40 (2x50 = 100) | 30 25 20 (3x30 = 90) | 10 5
  const std::vector<std::vector<size_t>> expected{{5}, {1, 3}, {4, 7, 2}, {0, 6}};
  EXPECT_EQ(batches, expected);
  EXPECT_NEAR(padding_waste(lengths, batches), (0 + 10 + 15 + 5) / 330.0, 1e-12);  // padded 120 + 100 + 90 + 20
}

TEST(LengthBucketer, PaddingFractionCutsBucketsAtLengthGaps) {
  BatchingConfig config;
  config.max_batch_samples = 1000;
  config.max_batch_size = 10;
  config.max_padding_fraction = 0.25;
  const std::vector<int64_t> lengths{100, 95, 80, 74, 60, 50, 49};
  // 100 95 80 (>= 75) | 74 60 (>= 55.5) | 50 49
  const std::vector<std::vector<size_t>> expected{{0, 1, 2}, {3, 4}, {5, 6}};
  EXPECT_EQ(make_batches(lengths, config), expected);
}

TEST(LengthBucketer, EveryIndexExactlyOnceWithWindows) {
  std::mt19937 rng(1);
  std::vector<int64_t> lengths(1000);
  for (auto& l : lengths) l = 1000 + static_cast<int64_t>(rng() % 300000);
  BatchingConfig config;
  const auto batches = make_batches(lengths, config);
  std::vector<size_t> all;
  for (const auto& b : batches) {
    EXPECT_LE(static_cast<int>(b.size()), config.max_batch_size);
    int64_t longest = 0;
    for (size_t i : b) longest = std::max(longest, lengths[i]);
    if (b.size() > 1) {
      EXPECT_LE(longest * static_cast<int64_t>(b.size()), config.max_batch_samples);
    }
    all.insert(all.end(), b.begin(), b.end());
  }
  std::sort(all.begin(), all.end());
  std::vector<size_t> expected(lengths.size());
  std::iota(expected.begin(), expected.end(), 0);
  EXPECT_EQ(all, expected);
}

// A scripted engine: each utterance's logits spell its length class, so a result that went to the
// wrong utterance is visible; batches take a random time so completion order is shuffled.
class FakeEngine : public BatchEngine {
 public:
  std::vector<UtteranceLogits> run(const std::vector<const std::vector<float>*>& waveforms) const override {
    std::this_thread::sleep_for(std::chrono::microseconds(100 * (calls_++ % 7)));
    if (max_batch_ > 0 && static_cast<int>(waveforms.size()) > max_batch_) throw std::runtime_error("out of memory");
    if (fail_when_longer_than_ > 0) {
      for (const auto* w : waveforms) {
        if (static_cast<int64_t>(w->size()) > fail_when_longer_than_) throw std::runtime_error("scripted failure");
      }
    }
    std::vector<UtteranceLogits> out;
    for (const auto* w : waveforms) {
      // 3 frames, vocab 32: token = 5 + (samples / 1000) % 20 (E, T, A, ...), blank in between.
      UtteranceLogits l{3, 32, std::vector<float>(96, 0.0f)};
      const int token = 5 + static_cast<int>((w->size() / 1000) % 20);
      l.data[0 * 32 + token] = 1.0f;
      l.data[1 * 32 + 0] = 1.0f;
      l.data[2 * 32 + token] = 1.0f;
      out.push_back(std::move(l));
    }
    return out;
  }
  int64_t fail_when_longer_than_ = 0;
  int max_batch_ = 0;  // larger batches throw "out of memory"

 private:
  mutable std::atomic<int> calls_{0};
};

// The wav2vec2-base-960h character vocabulary of the fixture models.
CharDetokenizer fixture_detokenizer() {
  return CharDetokenizer(Vocabulary::from_file(test::fixture("models/tiny-group-st/vocab.json")));
}

class Collector : public TranscriptWriter {
 public:
  void write(const UtteranceResult& r) override { results.push_back(r); }
  void finish() override { finished = true; }
  std::vector<UtteranceResult> results;
  bool finished = false;
};

std::vector<Utterance> make_inputs(const test::TempDir& dir, int count, bool with_bad_file) {
  std::vector<Utterance> inputs;
  std::mt19937 rng(5);
  for (int i = 0; i < count; ++i) {
    const int samples = 1000 * (1 + static_cast<int>(rng() % 19)) + 500;
    const std::string path = dir.file("u" + std::to_string(i) + ".wav");
    if (with_bad_file && i == count / 2) {
      test::write_text(path, "not audio");
    } else {
      test::write_audio(path, test::sine(200 + i, 16000, samples), 16000, 1, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    }
    Utterance u;
    u.index = static_cast<size_t>(i);
    u.id = "u" + std::to_string(i);
    u.path = path;
    u.output_stem = u.id;
    inputs.push_back(u);
  }
  return inputs;
}

TEST(TranscriptionPipeline, OutputOrderIsInputOrderAndEachUtteranceGetsItsOwnLogits) {
  test::TempDir dir;
  const auto inputs = make_inputs(dir, 60, /*with_bad_file=*/true);
  const CharDetokenizer detokenizer = fixture_detokenizer();
  const CtcGreedyDecoder greedy(0);
  const TranscriptBuilder builder(greedy, detokenizer);
  FakeEngine engine;
  PipelineConfig config;
  config.reader_threads = 3;
  config.decode_threads = 4;
  config.batching.max_batch_size = 5;
  config.batching.sort_window = 16;
  TranscriptionPipeline pipeline(config, ReadOptions{}, engine, builder);
  Collector collector;
  const RunSummary summary = pipeline.run(inputs, collector);
  ASSERT_TRUE(collector.finished);
  ASSERT_EQ(collector.results.size(), inputs.size());
  EXPECT_EQ(summary.files, inputs.size());
  EXPECT_EQ(summary.succeeded, inputs.size() - 1);
  ASSERT_EQ(summary.failures.size(), 1u);
  EXPECT_EQ(summary.failures[0].id, "u30");
  EXPECT_EQ(summary.failures[0].error_stage, FailureStage::kRead);
  const Vocabulary vocab = Vocabulary::from_file(test::fixture("models/tiny-group-st/vocab.json"));
  for (size_t i = 0; i < inputs.size(); ++i) {
    const auto& r = collector.results[i];
    EXPECT_EQ(r.index, i);
    EXPECT_EQ(r.id, inputs[i].id);
    if (i == 30) continue;
    const auto samples = static_cast<size_t>(std::llround(r.duration_seconds * 16000));
    const std::string letter = vocab.token(5 + static_cast<int>((samples / 1000) % 20));
    EXPECT_EQ(r.text, letter + letter) << i;  // token, blank, token -> two letters
  }
  EXPECT_GT(summary.pipeline.batches, 11u);  // at most 5 per batch
  EXPECT_GT(summary.pipeline.padding_waste, 0.0);
}

TEST(TranscriptionPipeline, AFailingBatchMarksOnlyItsMembers) {
  test::TempDir dir;
  const auto inputs = make_inputs(dir, 20, false);
  const CharDetokenizer detokenizer = fixture_detokenizer();
  const CtcGreedyDecoder greedy(0);
  const TranscriptBuilder builder(greedy, detokenizer);
  FakeEngine engine;
  engine.fail_when_longer_than_ = 18000;  // the batch holding the longest utterances fails
  PipelineConfig config;
  config.batching.max_batch_size = 1;  // one utterance per batch: only the long ones fail
  TranscriptionPipeline pipeline(config, ReadOptions{}, engine, builder);
  Collector collector;
  const RunSummary summary = pipeline.run(inputs, collector);
  ASSERT_EQ(collector.results.size(), inputs.size());
  size_t failed = 0;
  for (const auto& r : collector.results) {
    const bool is_long = r.duration_seconds * 16000 > 18000;
    EXPECT_EQ(r.status == UtteranceStatus::kFailed, is_long) << r.id;
    if (r.status == UtteranceStatus::kFailed) {
      EXPECT_EQ(r.error_stage, FailureStage::kModel);
      ++failed;
    }
  }
  EXPECT_GT(failed, 0u);
  EXPECT_EQ(summary.failures.size(), failed);
}

TEST(TranscriptionPipeline, FailedBatchesAreSplitUntilTheFailureIsIsolated) {
  test::TempDir dir;
  const auto inputs = make_inputs(dir, 40, false);
  const CharDetokenizer detokenizer = fixture_detokenizer();
  const CtcGreedyDecoder greedy(0);
  const TranscriptBuilder builder(greedy, detokenizer);
  FakeEngine engine;
  engine.max_batch_ = 2;                  // batches of 8 run out of memory: split 8 -> 4 -> 2
  engine.fail_when_longer_than_ = 18000;  // and these utterances fail wherever they are
  PipelineConfig config;
  config.batching.max_batch_size = 8;
  config.batching.max_padding_fraction = 1.0;
  TranscriptionPipeline pipeline(config, ReadOptions{}, engine, builder);
  Collector collector;
  const RunSummary summary = pipeline.run(inputs, collector);
  ASSERT_EQ(collector.results.size(), inputs.size());
  const Vocabulary vocab = Vocabulary::from_file(test::fixture("models/tiny-group-st/vocab.json"));
  size_t failed = 0;
  for (const auto& r : collector.results) {
    const auto samples = static_cast<size_t>(std::llround(r.duration_seconds * 16000));
    if (samples > 18000) {
      EXPECT_EQ(r.status, UtteranceStatus::kFailed) << r.id;
      EXPECT_EQ(r.error, "scripted failure");
      ++failed;
    } else {
      ASSERT_EQ(r.status, UtteranceStatus::kOk) << r.id << ": " << r.error;
      const std::string letter = vocab.token(5 + static_cast<int>((samples / 1000) % 20));
      EXPECT_EQ(r.text, letter + letter) << r.id;  // its own logits after the split
    }
  }
  EXPECT_GT(failed, 0u);
  EXPECT_LT(failed, inputs.size() / 2);
  EXPECT_GT(summary.pipeline.batch_splits, 0u);
}

// An asynchronous engine like the CUDA one: submit() returns at once while a worker thread "computes" the
// batch; up to two batches are in flight; failures surface only when the batch is collected.
class AsyncFakeEngine : public FakeEngine {
 public:
  class Pending : public PendingBatch {
   public:
    Pending(const AsyncFakeEngine& engine, std::vector<std::vector<float>> copies) : engine_(engine) {
      span_.start = std::chrono::steady_clock::now();
      worker_ = std::thread([this, copies = std::move(copies)] {
        std::vector<const std::vector<float>*> ptrs;
        for (const auto& c : copies) ptrs.push_back(&c);
        try {
          result_ = engine_.FakeEngine::run(ptrs);
        } catch (...) {
          error_ = std::current_exception();
        }
        span_.end = std::chrono::steady_clock::now();
      });
    }
    ~Pending() override {
      if (worker_.joinable()) worker_.join();
      --engine_.in_flight_;
    }
    std::vector<UtteranceLogits> wait() override {
      worker_.join();
      if (error_) std::rethrow_exception(error_);
      return std::move(result_);
    }
    DeviceSpan device_span() const override { return span_; }

   private:
    const AsyncFakeEngine& engine_;
    std::thread worker_;
    std::vector<UtteranceLogits> result_;
    std::exception_ptr error_;
    DeviceSpan span_;
  };

  std::unique_ptr<PendingBatch> submit(const std::vector<const std::vector<float>*>& waveforms) const override {
    const int now = ++in_flight_;
    int peak = peak_in_flight_.load();
    while (now > peak && !peak_in_flight_.compare_exchange_weak(peak, now)) {
    }
    std::vector<std::vector<float>> copies;  // the engine copies the waveforms before returning
    for (const auto* w : waveforms) copies.push_back(*w);
    return std::make_unique<Pending>(*this, std::move(copies));
  }
  int max_in_flight() const override { return 2; }
  Device device() const override { return Device::cuda(0); }

  mutable std::atomic<int> in_flight_{0};
  mutable std::atomic<int> peak_in_flight_{0};
};

TEST(TranscriptionPipeline, AnAsynchronousEngineKeepsTwoBatchesInFlightAndGivesTheSameResults) {
  test::TempDir dir;
  const auto inputs = make_inputs(dir, 40, /*with_bad_file=*/true);
  const CharDetokenizer detokenizer = fixture_detokenizer();
  const CtcGreedyDecoder greedy(0);
  const TranscriptBuilder builder(greedy, detokenizer);
  PipelineConfig config;
  config.batching.max_batch_size = 4;
  config.batching.max_padding_fraction = 1.0;
  FakeEngine sync_engine;
  sync_engine.fail_when_longer_than_ = 18000;
  Collector sync_results;
  const RunSummary sync_summary = TranscriptionPipeline(config, ReadOptions{}, sync_engine, builder).run(inputs, sync_results);
  ASSERT_EQ(sync_results.results.size(), inputs.size());
  ASSERT_GT(sync_summary.pipeline.batch_splits, 0u);  // the scripted failures hit batches of several
  // Reproducible batches: the same batches as the synchronous run, so the same splits. Default: the idle
  // device takes partial windows, so batches depend on timing, but every result must still be the same.
  for (const bool reproducible : {true, false}) {
    SCOPED_TRACE(reproducible ? "reproducible batches" : "partial windows when idle");
    config.reproducible_batches = reproducible;
    AsyncFakeEngine async_engine;
    async_engine.fail_when_longer_than_ = 18000;  // thrown by wait(), as CUDA reports errors at synchronization
    Collector async_results;
    const RunSummary summary =
        TranscriptionPipeline(config, ReadOptions{}, async_engine, builder).run(inputs, async_results);
    ASSERT_EQ(async_results.results.size(), inputs.size());
    size_t failed = 0;
    for (size_t i = 0; i < inputs.size(); ++i) {
      const auto& a = async_results.results[i];
      const auto& b = sync_results.results[i];
      EXPECT_EQ(a.id, b.id);
      EXPECT_EQ(a.status, b.status) << a.id;
      EXPECT_EQ(a.text, b.text) << a.id;
      EXPECT_EQ(a.error_stage, b.error_stage) << a.id;
      if (a.status == UtteranceStatus::kFailed && a.error_stage == FailureStage::kModel) {
        EXPECT_EQ(a.error, "scripted failure");
        ++failed;
      }
    }
    EXPECT_GT(failed, 0u);  // long utterances failed alone, after their batches were split
    if (reproducible) {
      EXPECT_EQ(summary.pipeline.batch_splits, sync_summary.pipeline.batch_splits);
    }
    EXPECT_EQ(async_engine.peak_in_flight_.load(), 2);  // the next batch was queued before the last was collected
    EXPECT_EQ(async_engine.in_flight_.load(), 0);       // every pending batch was collected and released
    EXPECT_GT(summary.pipeline.device_seconds, 0.0);
  }
}

// --pipeline off runs the same stages one after another on the calling thread: the same results, failures
// (a bad file, a batch member the model rejects) and chunked long files included, with batches of several.
TEST(TranscriptionPipeline, SerialAndThreadedRunsGiveTheSameResults) {
  test::TempDir dir;
  auto inputs = make_inputs(dir, 40, /*with_bad_file=*/true);
  const std::string long_path = dir.file("long.wav");
  test::write_audio(long_path, test::sine(150, 16000, 16000 * 9), 16000, 1, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
  inputs.push_back(Utterance{inputs.size(), "long", long_path, "long"});
  const CharDetokenizer detokenizer = fixture_detokenizer();
  const CtcGreedyDecoder greedy(0);
  const TranscriptBuilder builder(greedy, detokenizer);
  // The model rejects every input of 4500 samples (a few of them), in whatever batch it comes.
  class PoisonEngine : public FakeEngine {
   public:
    std::vector<UtteranceLogits> run(const std::vector<const std::vector<float>*>& waveforms) const override {
      for (const auto* w : waveforms) {
        if (w->size() == 4500) throw std::runtime_error("rejected");
      }
      return FakeEngine::run(waveforms);
    }
  } engine;
  std::vector<std::vector<UtteranceResult>> runs;
  for (bool enabled : {true, false}) {
    PipelineConfig config;
    config.enabled = enabled;
    config.reader_threads = 3;
    config.batching.max_batch_size = 4;
    config.batching.sort_window = 8;
    config.chunking.chunk_seconds = 4.0;  // the 9 s file in chunks; the others (<= 1.2 s) whole
    config.chunking.stride_seconds = 1.0;
    TranscriptionPipeline pipeline(config, ReadOptions{}, engine, builder);
    Collector collector;
    const RunSummary summary = pipeline.run(inputs, collector);
    EXPECT_TRUE(collector.finished);
    EXPECT_EQ(summary.files, inputs.size());
    EXPECT_GT(summary.pipeline.batches, 10u);
    runs.push_back(collector.results);
  }
  ASSERT_EQ(runs[0].size(), runs[1].size());
  size_t model_failures = 0;
  for (size_t i = 0; i < runs[0].size(); ++i) {
    const auto& a = runs[0][i];
    const auto& b = runs[1][i];
    EXPECT_EQ(a.index, i);
    EXPECT_EQ(b.index, i);
    EXPECT_EQ(a.text, b.text) << a.id;
    EXPECT_EQ(a.status, b.status) << a.id;
    EXPECT_EQ(a.error_stage, b.error_stage) << a.id;
    EXPECT_EQ(a.error, b.error) << a.id;
    model_failures += a.error_stage == FailureStage::kModel;
  }
  EXPECT_EQ(runs[0][20].error_stage, FailureStage::kRead);  // the bad file
  EXPECT_GT(model_failures, 0u);
  EXPECT_EQ(runs[0].back().status, UtteranceStatus::kOk);  // 9 s in chunks of 4 s
  EXPECT_FALSE(runs[0].back().text.empty());
}

// Readers finish in any order, but hand their pieces on in input order: the threaded run's batches are
// the serial run's, batch for batch, whatever the timing (inputs of many lengths, some slow to read).
TEST(TranscriptionPipeline, ThreadedBatchesAreTheSerialBatchesWithManyReaders) {
  test::TempDir dir;
  std::vector<Utterance> inputs;
  std::mt19937 rng(11);
  for (int i = 0; i < 48; ++i) {
    // Every fifth file is long (and slow to read) so that readers overtake each other.
    const int samples = i % 5 == 0 ? 16000 * 6 + 37 * i : 1000 * (1 + static_cast<int>(rng() % 19)) + i;
    const std::string path = dir.file("u" + std::to_string(i) + ".flac");
    test::write_audio(path, test::sine(100 + i, 16000, samples), 16000, 1, SF_FORMAT_FLAC | SF_FORMAT_PCM_16);
    inputs.push_back(Utterance{static_cast<size_t>(i), "u" + std::to_string(i), path, "u" + std::to_string(i)});
  }
  class RecordingEngine : public FakeEngine {
   public:
    std::vector<UtteranceLogits> run(const std::vector<const std::vector<float>*>& waveforms) const override {
      std::vector<size_t> sizes;
      for (const auto* w : waveforms) sizes.push_back(w->size());
      {
        std::lock_guard<std::mutex> lock(mutex);
        batches.push_back(sizes);
      }
      return FakeEngine::run(waveforms);
    }
    mutable std::mutex mutex;
    mutable std::vector<std::vector<size_t>> batches;
  };
  const CharDetokenizer detokenizer = fixture_detokenizer();
  const CtcGreedyDecoder greedy(0);
  const TranscriptBuilder builder(greedy, detokenizer);
  std::vector<std::vector<std::vector<size_t>>> runs;
  for (bool enabled : {false, true, true}) {
    RecordingEngine engine;
    PipelineConfig config;
    config.enabled = enabled;
    config.reader_threads = 4;
    config.batching.max_batch_size = 3;
    config.batching.sort_window = 7;
    TranscriptionPipeline pipeline(config, ReadOptions{}, engine, builder);
    Collector collector;
    EXPECT_EQ(pipeline.run(inputs, collector).succeeded, inputs.size());
    runs.push_back(engine.batches);
  }
  ASSERT_GT(runs[0].size(), 16u);
  EXPECT_EQ(runs[1], runs[0]);
  EXPECT_EQ(runs[2], runs[0]);
}

TEST(TranscriptionPipeline, EmptyInputFinishesCleanly) {
  const CharDetokenizer detokenizer = fixture_detokenizer();
  const CtcGreedyDecoder greedy(0);
  const TranscriptBuilder builder(greedy, detokenizer);
  FakeEngine engine;
  TranscriptionPipeline pipeline(PipelineConfig{}, ReadOptions{}, engine, builder);
  Collector collector;
  EXPECT_EQ(pipeline.run({}, collector).files, 0u);
  EXPECT_TRUE(collector.finished);
}

}  // namespace
}  // namespace w2v2

namespace w2v2 {
namespace {

TEST(TranscriptionPipeline, ScoresInTheDecodePoolWhenAskedTo) {
  test::TempDir dir;
  auto inputs = make_inputs(dir, 6, false);
  for (auto& u : inputs) u.reference = "ee";  // scored against a fixed reference
  const CharDetokenizer detokenizer = fixture_detokenizer();
  const CtcGreedyDecoder greedy(0);
  const TranscriptBuilder builder(greedy, detokenizer, {"", ScoringOptions{}});
  FakeEngine engine;
  TranscriptionPipeline pipeline(PipelineConfig{}, ReadOptions{}, engine, builder);
  Collector collector;
  pipeline.run(inputs, collector);
  for (const auto& r : collector.results) {
    ASSERT_TRUE(r.score.has_value()) << r.id;
    EXPECT_EQ(r.score->reference, "EE");  // normalized (librispeech: upper case)
    EXPECT_EQ(r.score->hypothesis, r.text);
    EXPECT_EQ(r.score->words.errors(), r.text == "EE" ? 0u : 1u);
  }
}

}  // namespace
}  // namespace w2v2

namespace w2v2 {
namespace {

TEST(TranscriptionPipeline, AWindowHoldingTooMuchAudioIsFlushedEarly) {
  test::TempDir dir;
  const auto inputs = make_inputs(dir, 12, false);
  const CharDetokenizer detokenizer = fixture_detokenizer();
  const CtcGreedyDecoder greedy(0);
  const TranscriptBuilder builder(greedy, detokenizer);
  FakeEngine engine;
  PipelineConfig config;
  config.batching.max_batch_size = 4;
  config.batching.max_padding_fraction = 1.0;
  config.batching.max_window_seconds = 1e-6;  // one sample: every item flushes its own window, batches of one
  TranscriptionPipeline pipeline(config, ReadOptions{}, engine, builder);
  Collector collector;
  const RunSummary summary = pipeline.run(inputs, collector);
  EXPECT_EQ(summary.pipeline.batches, 12u);
  EXPECT_EQ(summary.succeeded, 12u);
}

}  // namespace
}  // namespace w2v2
