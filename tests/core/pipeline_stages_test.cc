// Each pipeline stage alone, driven by hand with messages and a scripted engine (no threads, no LibTorch).
#include <gtest/gtest.h>

#include <sndfile.h>

#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "decoding/ctc_greedy_decoder.h"
#include "pipeline/batcher_stage.h"
#include "pipeline/decode_stage.h"
#include "pipeline/device_stage.h"
#include "pipeline/ordered_writer.h"
#include "pipeline/reader_stage.h"
#include "support/test_support.h"
#include "text/char_detokenizer.h"

namespace w2v2 {
namespace {

// An input as the walk makes it: index, id, path, output stem (the rest unset).
Utterance utterance(size_t index, std::string id, std::string path, std::string output_stem) {
  Utterance u;
  u.index = index;
  u.id = std::move(id);
  u.path = std::move(path);
  u.output_stem = std::move(output_stem);
  return u;
}

// Collects what a stage emits; refuses after `accept_limit` messages (a consumer that went away).
template <typename T>
struct Recorder {
  std::vector<T> messages;
  size_t accept_limit = static_cast<size_t>(-1);
  Sink<T> sink() {
    return [this](T m) {
      if (messages.size() >= accept_limit) return false;
      messages.push_back(std::move(m));
      return true;
    };
  }
};

AudioPiece piece_of(size_t index, size_t samples) {
  AudioPiece p;
  p.index = index;
  p.samples.assign(samples, 0.5f);
  p.result.index = index;
  p.result.id = "u" + std::to_string(index);
  return p;
}

double mean(const std::vector<float>& x) { return std::accumulate(x.begin(), x.end(), 0.0) / x.size(); }

// ---- ReaderStage ----

TEST(ReaderStage, AShortFileIsOneNormalizedPieceAndAMissingOneAFailure) {
  test::TempDir dir;
  test::write_audio(dir.file("a.wav"), test::sine(440, 16000, 8000, 0.3), 16000, 1, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
  TraceRecorder trace(false);
  ReaderStage reader(ReadOptions{}, ChunkingConfig{}, trace);
  Recorder<ReadMessage> out;
  const Utterance a = utterance(0, "a", dir.file("a.wav"), "a");
  const Utterance missing = utterance(1, "m", dir.file("missing.wav"), "m");
  ASSERT_TRUE(reader.read(a, 0, out.sink()));
  ASSERT_TRUE(reader.read(missing, 1, out.sink()));
  ASSERT_EQ(out.messages.size(), 2u);
  const auto& piece = std::get<AudioPiece>(out.messages[0]);
  EXPECT_EQ(piece.index, 0u);
  EXPECT_EQ(piece.chunk_count, 0u);
  EXPECT_EQ(piece.result.id, "a");
  EXPECT_DOUBLE_EQ(piece.result.duration_seconds, 0.5);
  ASSERT_EQ(piece.samples.size(), 8000u);
  EXPECT_NEAR(mean(piece.samples), 0.0, 1e-4);  // normalized: zero mean, unit variance
  double var = 0;
  for (float x : piece.samples) var += x * x;
  EXPECT_NEAR(var / 8000, 1.0, 1e-3);
  const auto& failed = std::get<FailedPiece>(out.messages[1]).piece;
  EXPECT_EQ(failed.index, 1u);
  EXPECT_EQ(failed.result.status, UtteranceStatus::kFailed);
  EXPECT_EQ(failed.result.error_stage, FailureStage::kRead);
  EXPECT_NE(failed.result.error.find("missing.wav"), std::string::npos) << failed.result.error;
  EXPECT_TRUE(failed.samples.empty());
}

TEST(ReaderStage, ALongFileTravelsAsItsChunksEachNormalizedAlone) {
  test::TempDir dir;
  // 10 s: the first 5 s quiet, the rest loud, so per-chunk normalization is visible.
  std::vector<float> samples = test::sine(300, 16000, 160000, 0.05);
  for (size_t i = 80000; i < samples.size(); ++i) samples[i] *= 10.0f;
  test::write_audio(dir.file("long.wav"), samples, 16000, 1, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
  TraceRecorder trace(false);
  ChunkingConfig chunking;
  chunking.chunk_seconds = 4.0;
  chunking.stride_seconds = 1.0;
  ReaderStage reader(ReadOptions{}, chunking, trace);
  Recorder<ReadMessage> out;
  ASSERT_TRUE(reader.read(utterance(0, "long", dir.file("long.wav"), "long"), 7, out.sink()));
  const auto plan = plan_chunks(160000, chunking, 16000);
  ASSERT_EQ(out.messages.size(), plan.size());
  for (size_t k = 0; k < plan.size(); ++k) {
    const auto& piece = std::get<AudioPiece>(out.messages[k]);
    EXPECT_EQ(piece.index, 7u);
    EXPECT_EQ(piece.chunk_index, k);
    EXPECT_EQ(piece.chunk_count, plan.size());
    EXPECT_EQ(piece.chunk.start, plan[k].start);
    ASSERT_EQ(static_cast<int64_t>(piece.samples.size()), plan[k].length);
    EXPECT_NEAR(mean(piece.samples), 0.0, 1e-3) << k;
    EXPECT_DOUBLE_EQ(piece.result.duration_seconds, 10.0);
  }
  // A consumer that goes away stops the reader after the piece it refused.
  Recorder<ReadMessage> refusing;
  refusing.accept_limit = 1;
  EXPECT_FALSE(reader.read(utterance(0, "long", dir.file("long.wav"), "long"), 7, refusing.sink()));
  EXPECT_EQ(refusing.messages.size(), 1u);
}

// ---- BatcherStage ----

std::vector<size_t> lengths_of(const Batch& b) {
  std::vector<size_t> out;
  for (const auto& p : b.items) out.push_back(p.samples.size());
  return out;
}

TEST(BatcherStage, AFullWindowIsSortedAndCutAndEndOfStreamFlushesTheRest) {
  BatchingConfig config;
  config.sort_window = 4;
  config.max_batch_size = 2;
  config.max_batch_samples = 1 << 30;
  config.max_padding_fraction = 1.0;
  BatcherStage batcher(config);
  Recorder<BatchMessage> out;
  const size_t lengths[] = {100, 400, 200, 300, 50};
  for (size_t i = 0; i < 3; ++i) ASSERT_TRUE(batcher.accept(piece_of(i, lengths[i]), false, out.sink()));
  EXPECT_TRUE(out.messages.empty());  // the window is not full
  FailedPiece failed{piece_of(9, 0)};
  failed.piece.result.status = UtteranceStatus::kFailed;
  ASSERT_TRUE(batcher.accept(failed, false, out.sink()));
  ASSERT_EQ(out.messages.size(), 1u);  // a failure passes at once
  EXPECT_EQ(std::get<FailedPiece>(out.messages[0]).piece.index, 9u);
  ASSERT_TRUE(batcher.accept(piece_of(3, lengths[3]), false, out.sink()));
  ASSERT_EQ(out.messages.size(), 3u);  // window of 4 -> two batches, longest first
  EXPECT_EQ(lengths_of(std::get<Batch>(out.messages[1])), (std::vector<size_t>{400, 300}));
  EXPECT_EQ(lengths_of(std::get<Batch>(out.messages[2])), (std::vector<size_t>{200, 100}));
  ASSERT_TRUE(batcher.accept(piece_of(4, lengths[4]), false, out.sink()));
  ASSERT_TRUE(batcher.accept(EndOfStream{}, false, out.sink()));
  ASSERT_EQ(out.messages.size(), 5u);
  EXPECT_EQ(lengths_of(std::get<Batch>(out.messages[3])), (std::vector<size_t>{50}));
  EXPECT_TRUE(std::holds_alternative<EndOfStream>(out.messages[4]));
  // Padded (2x400 + 2x200 + 50) - real (1050) over padded 1250.
  EXPECT_DOUBLE_EQ(batcher.padding_waste(), 200.0 / 1250.0);
}

TEST(BatcherStage, DeviceIdleBatchesThePartialWindowOrTheNextPieceWhenNothingMoreIsQueued) {
  BatchingConfig config;
  config.sort_window = 64;
  config.max_batch_size = 8;
  BatcherStage batcher(config);
  Recorder<BatchMessage> out;
  ASSERT_TRUE(batcher.accept(piece_of(0, 100), false, out.sink()));
  ASSERT_TRUE(batcher.accept(piece_of(1, 100), false, out.sink()));
  ASSERT_TRUE(batcher.accept(DeviceIdle{}, false, out.sink()));
  ASSERT_EQ(out.messages.size(), 1u);
  EXPECT_EQ(std::get<Batch>(out.messages[0]).items.size(), 2u);
  // Idle with an empty window: the next piece is batched at once, unless more are already queued.
  ASSERT_TRUE(batcher.accept(DeviceIdle{}, false, out.sink()));
  EXPECT_EQ(out.messages.size(), 1u);
  ASSERT_TRUE(batcher.accept(piece_of(2, 100), /*more_queued=*/true, out.sink()));
  EXPECT_EQ(out.messages.size(), 1u);
  ASSERT_TRUE(batcher.accept(piece_of(3, 100), /*more_queued=*/false, out.sink()));
  ASSERT_EQ(out.messages.size(), 2u);
  EXPECT_EQ(std::get<Batch>(out.messages[1]).items.size(), 2u);
  // Without an idle signal the window waits to fill.
  ASSERT_TRUE(batcher.accept(piece_of(4, 100), false, out.sink()));
  EXPECT_EQ(out.messages.size(), 2u);
}

// ---- DeviceStage ----

// Logits of 2 frames, vocab 4: frame 0 says token (samples % 4), frame 1 is blank. Batches holding a waveform
// of `poison` samples fail; `submits` counts the engine calls.
class ScriptedEngine : public BatchEngine {
 public:
  std::vector<UtteranceLogits> run(const std::vector<const std::vector<float>*>& waveforms) const override {
    ++calls;
    std::vector<UtteranceLogits> out;
    for (const auto* w : waveforms) {
      if (w->size() == poison) throw std::runtime_error("scripted failure");
      UtteranceLogits l{2, 4, std::vector<float>(8, 0.0f)};
      l.data[w->size() % 4] = 1.0f;
      l.data[4] = 1.0f;
      out.push_back(std::move(l));
    }
    return out;
  }
  size_t poison = 0;
  mutable int calls = 0;
};

TEST(DeviceStage, AFailingBatchIsSplitUntilOnlyTheBadPieceFails) {
  ScriptedEngine engine;
  engine.poison = 7;
  TraceRecorder trace(false);
  DeviceStage device(engine, 1, trace, PipelineClock::now());
  Recorder<ComputedMessage> out;
  Batch batch;
  for (size_t i = 0; i < 4; ++i) batch.items.push_back(piece_of(i, i == 2 ? 7 : 5 + 4 * i));
  ASSERT_TRUE(device.accept(std::move(batch), out.sink()));
  ASSERT_EQ(out.messages.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    if (i == 2) {
      const auto& failed = std::get<FailedPiece>(out.messages[i]).piece;
      EXPECT_EQ(failed.result.error_stage, FailureStage::kModel);
      EXPECT_EQ(failed.result.error, "scripted failure");
      continue;
    }
    const auto& computed = std::get<ComputedPiece>(out.messages[i]);
    EXPECT_EQ(computed.piece.index, i);
    EXPECT_EQ(computed.logits.data[(5 + 4 * i) % 4], 1.0f);
    EXPECT_EQ(computed.padded, i != 3);  // shorter than the batch's longest (17 samples)
  }
  // 4 fail -> [0,1] ok, [2,3] fail -> [2] fails, [3] ok: two splits, five engine calls.
  EXPECT_EQ(device.splits(), 2u);
  EXPECT_EQ(engine.calls, 5);
  EXPECT_EQ(device.batches(), 1u);
  FailedPiece read_failure{piece_of(8, 0)};
  ASSERT_TRUE(device.accept(read_failure, out.sink()));
  EXPECT_EQ(std::get<FailedPiece>(out.messages[4]).piece.index, 8u);
  ASSERT_TRUE(device.accept(EndOfStream{}, out.sink()));
  EXPECT_TRUE(std::holds_alternative<EndOfStream>(out.messages[5]));
}

TEST(DeviceStage, WithDepthTwoABatchIsCollectedOnlyOnceTheNextIsSubmittedOrTheStreamEnds) {
  ScriptedEngine engine;
  TraceRecorder trace(false);
  DeviceStage device(engine, 2, trace, PipelineClock::now());
  Recorder<ComputedMessage> out;
  Batch first, second;
  first.items.push_back(piece_of(0, 5));
  second.items.push_back(piece_of(1, 6));
  ASSERT_TRUE(device.accept(std::move(first), out.sink()));
  EXPECT_TRUE(out.messages.empty());
  ASSERT_TRUE(device.accept(std::move(second), out.sink()));
  ASSERT_EQ(out.messages.size(), 1u);
  EXPECT_EQ(std::get<ComputedPiece>(out.messages[0]).piece.index, 0u);
  ASSERT_TRUE(device.accept(EndOfStream{}, out.sink()));
  ASSERT_EQ(out.messages.size(), 3u);
  EXPECT_EQ(std::get<ComputedPiece>(out.messages[1]).piece.index, 1u);
  EXPECT_TRUE(std::holds_alternative<EndOfStream>(out.messages[2]));
}

// ---- DecodeStage ----

CharDetokenizer fixture_detokenizer() {
  return CharDetokenizer(Vocabulary::from_file(test::fixture("models/tiny-group-st/vocab.json")));
}

// `frames` frames of vocab 32 spelling `tokens` (one token per frame).
UtteranceLogits spelled(const std::vector<int>& tokens) {
  UtteranceLogits l{static_cast<int64_t>(tokens.size()), 32, std::vector<float>(tokens.size() * 32, 0.0f)};
  for (size_t f = 0; f < tokens.size(); ++f) l.data[f * 32 + tokens[f]] = 1.0f;
  return l;
}

TEST(DecodeStage, ChunksAreHeldUntilTheLastArrivesAndDecodedTogetherWithoutTheirContext) {
  const CharDetokenizer detokenizer = fixture_detokenizer();
  const CtcGreedyDecoder greedy(0);
  const TranscriptBuilder builder(greedy, detokenizer);
  const std::vector<Utterance> inputs = {utterance(0, "long", "long.wav", "long")};
  TraceRecorder trace(false);
  DecodeStage decoder(builder, inputs, 0, trace);
  Recorder<UtteranceResult> out;
  // Two chunks of 4 frames over 400 samples: chunk 0 has 100 samples of right context (1 frame), chunk 1
  // 100 samples of left context. E=5 T=6 A=7 O=8, blank 0, | = 4.
  auto chunk = [&](size_t k, AudioChunk where, std::vector<int> tokens) {
    AudioPiece p = piece_of(0, 0);
    p.chunk_index = k;
    p.chunk_count = 2;
    p.chunk = where;
    p.result.id = "long";
    return ComputedPiece{p, spelled(tokens), false};
  };
  ASSERT_TRUE(decoder.accept(chunk(1, AudioChunk{300, 400, 100, 0}, {9, 7, 0, 8}), out.sink()));
  EXPECT_TRUE(out.messages.empty());  // the first chunk is still missing
  ASSERT_TRUE(decoder.accept(chunk(0, AudioChunk{0, 400, 0, 100}, {5, 0, 6, 9}), out.sink()));
  ASSERT_EQ(out.messages.size(), 1u);
  // Kept: E _ T (chunk 0 less its last frame), A _ O (chunk 1 less its first frame) -> "ETAO".
  EXPECT_EQ(out.messages[0].text, "ETAO");
  EXPECT_EQ(out.messages[0].status, UtteranceStatus::kOk);
  ASSERT_TRUE(decoder.accept(EndOfStream{}, out.sink()));
  EXPECT_EQ(out.messages.size(), 1u);  // EndOfStream is the caller's to pass on
}

TEST(DecodeStage, AFailedChunkFailsItsFileOnceAllItsPiecesArrived) {
  const CharDetokenizer detokenizer = fixture_detokenizer();
  const CtcGreedyDecoder greedy(0);
  const TranscriptBuilder builder(greedy, detokenizer);
  const std::vector<Utterance> inputs = {utterance(0, "a", "a.wav", "a"), utterance(1, "b", "b.wav", "b")};
  TraceRecorder trace(false);
  DecodeStage decoder(builder, inputs, 0, trace);
  Recorder<UtteranceResult> out;
  AudioPiece bad = piece_of(0, 0);
  bad.chunk_count = 2;
  bad.chunk_index = 1;
  bad.result.status = UtteranceStatus::kFailed;
  bad.result.error_stage = FailureStage::kModel;
  bad.result.error = "out of memory";
  ASSERT_TRUE(decoder.accept(FailedPiece{bad}, out.sink()));
  AudioPiece good = piece_of(0, 0);
  good.chunk_count = 2;
  good.chunk = AudioChunk{0, 100, 0, 0};
  ASSERT_TRUE(decoder.accept(ComputedPiece{good, spelled({5}), false}, out.sink()));
  AudioPiece whole = piece_of(1, 0);
  ASSERT_TRUE(decoder.accept(ComputedPiece{whole, spelled({6, 0, 6}), false}, out.sink()));
  ASSERT_EQ(out.messages.size(), 2u);
  EXPECT_EQ(out.messages[0].status, UtteranceStatus::kFailed);
  EXPECT_EQ(out.messages[0].error_stage, FailureStage::kModel);
  EXPECT_EQ(out.messages[0].error, "out of memory");
  EXPECT_EQ(out.messages[0].text, "");
  EXPECT_EQ(out.messages[1].text, "TT");
}

// ---- OrderedWriter ----

class Collector : public TranscriptWriter {
 public:
  void write(const UtteranceResult& r) override { ids.push_back(r.id); }
  void finish() override {}
  std::vector<std::string> ids;
};

class CountingProgress : public ProgressObserver {
 public:
  void on_progress(const Progress& p) override { done.push_back(p.done); }
  std::vector<size_t> done;
};

TEST(OrderedWriter, ResultsArrivingOutOfOrderAreWrittenInInputOrder) {
  const std::vector<Utterance> inputs = {utterance(0, "a", "a", "a"), utterance(1, "b", "b", "b"),
                                         utterance(2, "c", "c", "c")};
  Collector collector;
  CountingProgress progress;
  OrderedWriter writer(collector, &progress, inputs, PipelineClock::now());
  auto result = [](size_t index, const std::string& id, bool ok) {
    UtteranceResult r;
    r.index = index;
    r.id = id;
    r.duration_seconds = 1.5;
    if (!ok) {
      r.status = UtteranceStatus::kFailed;
      r.error_stage = FailureStage::kRead;
      r.error = "bad";
    }
    return r;
  };
  writer.accept(result(2, "c", true));
  writer.accept(result(1, "b", false));
  EXPECT_TRUE(collector.ids.empty());  // waiting for input 0
  writer.accept(result(0, "a", true));
  EXPECT_EQ(collector.ids, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(progress.done, (std::vector<size_t>{1, 2, 3}));
  EXPECT_EQ(writer.written(), 3u);
  EXPECT_EQ(writer.summary().files, 3u);
  EXPECT_EQ(writer.summary().succeeded, 2u);
  ASSERT_EQ(writer.summary().failures.size(), 1u);
  EXPECT_EQ(writer.summary().failures[0].id, "b");
  EXPECT_DOUBLE_EQ(writer.summary().audio_seconds, 4.5);
}

class RecordingWriter : public TranscriptWriter {
 public:
  void write(const UtteranceResult& r) override { ids.push_back(r.id); }
  void finish() override {}
  std::vector<std::string> ids;
};

TEST(OrderedWriter, TheJournalGetsEachResultOnArrivalAndBadIndicesAreRefused) {
  const std::vector<Utterance> inputs = {utterance(0, "a", "a", "a"), utterance(1, "b", "b", "b"),
                                         utterance(2, "c", "c", "c")};
  RecordingWriter out, journal;
  OrderedWriter writer(out, nullptr, inputs, PipelineClock::now(), &journal);
  auto result = [](size_t index, const std::string& id) {
    UtteranceResult r;
    r.index = index;
    r.id = id;
    return r;
  };
  writer.accept(result(2, "c"));
  writer.accept(result(1, "b"));
  EXPECT_EQ(journal.ids, (std::vector<std::string>{"c", "b"}));  // durable before input 0 has arrived
  EXPECT_TRUE(out.ids.empty());
  EXPECT_THROW(writer.accept(result(1, "b")), Error);  // a second result for an input
  EXPECT_THROW(writer.accept(result(3, "d")), Error);  // no such input
  EXPECT_EQ(journal.ids.size(), 2u);                   // neither was journaled
  writer.accept(result(0, "a"));
  EXPECT_EQ(out.ids, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_THROW(writer.accept(result(0, "a")), Error);  // already written
}

}  // namespace
}  // namespace w2v2
