// Long audio: chunk plans with the Hugging Face pipeline's semantics, context trimming, and a pipeline
// run whose chunked logits join into exactly the logits of the whole file.
#include "pipeline/audio_chunker.h"

#include <gtest/gtest.h>
#include <sndfile.h>

#include "common/error.h"
#include "decoding/ctc_greedy_decoder.h"
#include "pipeline/transcript_builder.h"
#include "pipeline/transcription_pipeline.h"
#include "support/test_support.h"
#include "text/char_detokenizer.h"
#include "text/vocabulary.h"

#include <cstdint>

namespace w2v2 {
namespace {

void expect_chunk(const AudioChunk& c, int64_t start, int64_t length, int64_t left, int64_t right) {
  EXPECT_EQ(c.start, start);
  EXPECT_EQ(c.length, length);
  EXPECT_EQ(c.left, left);
  EXPECT_EQ(c.right, right);
}

TEST(AudioChunker, PlansLikeTheHuggingFacePipeline) {
  const ChunkingConfig config{30.0, 5.0};  // at 1 Hz: chunks of 30 samples, step 20
  auto c = plan_chunks(100, config, 1);
  ASSERT_EQ(c.size(), 5u);
  expect_chunk(c[0], 0, 30, 0, 5);
  expect_chunk(c[1], 20, 30, 5, 5);
  expect_chunk(c[3], 60, 30, 5, 5);
  expect_chunk(c[4], 80, 20, 5, 0);  // reaches the end: no right context
  c = plan_chunks(85, config, 1);
  ASSERT_EQ(c.size(), 4u);
  expect_chunk(c[3], 60, 25, 5, 0);
  c = plan_chunks(30, config, 1);  // not longer than a chunk: whole
  ASSERT_EQ(c.size(), 1u);
  expect_chunk(c[0], 0, 30, 0, 0);
  EXPECT_EQ(plan_chunks(1000, ChunkingConfig{0.0, 5.0}, 1).size(), 1u);  // chunking off
  EXPECT_THROW((ChunkingConfig{10.0, 5.0}.validate()), ConfigError);
  EXPECT_NO_THROW((ChunkingConfig{10.0, 4.9}.validate()));
}

TEST(AudioChunker, TrimsContextFramesAndConcatenates) {
  UtteranceLogits l{10, 2, {}};
  for (int i = 0; i < 20; ++i) l.data.push_back(static_cast<float>(i));
  const auto t = trim_chunk_logits(l, AudioChunk{0, 30, 5, 5});  // round(5 / 30 x 10) = 2 frames each side
  EXPECT_EQ(t.frames, 6);
  EXPECT_EQ(t.data.front(), 4.0f);
  EXPECT_EQ(t.data.back(), 15.0f);
  const auto all = concatenate_logits({t, trim_chunk_logits(l, AudioChunk{0, 30, 0, 0})});
  EXPECT_EQ(all.frames, 16);
  EXPECT_EQ(all.data.size(), 32u);
}

// One frame per 320 samples; frame t's token is read off the sample at t x 320, so logits depend only
// on absolute position: chunked and whole runs must agree frame for frame.
class FrameCodeEngine : public BatchEngine {
 public:
  std::vector<UtteranceLogits> run(const std::vector<const std::vector<float>*>& waveforms) const override {
    std::vector<UtteranceLogits> out;
    for (const auto* w : waveforms) {
      const auto frames = static_cast<int64_t>(w->size() / 320);
      UtteranceLogits l{frames, 32, std::vector<float>(static_cast<size_t>(frames) * 32, 0.0f)};
      for (int64_t t = 0; t < frames; ++t) {
        const int code = static_cast<int>(std::lround((*w)[static_cast<size_t>(t * 320)] * 32.0f)) - 1;  // 0..19
        l.data[static_cast<size_t>(t * 32 + 5 + code)] = 1.0f;
      }
      out.push_back(std::move(l));
    }
    return out;
  }
};

class Collector : public TranscriptWriter {
 public:
  void write(const UtteranceResult& r) override { results.push_back(r); }
  void finish() override {}
  std::vector<UtteranceResult> results;
};

TEST(AudioChunker, ChunkedPipelineEqualsTheWholeFile) {
  test::TempDir dir;
  std::vector<float> samples(112000);  // 7 s = 350 frames, frame t coded as ((t % 20) + 1) / 32
  for (size_t i = 0; i < samples.size(); ++i) samples[i] = static_cast<float>((i / 320) % 20 + 1) / 32.0f;
  test::write_audio(dir.file("long.wav"), samples, 16000, 1, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
  test::write_audio(dir.file("short.wav"), std::vector<float>(samples.begin(), samples.begin() + 9600), 16000, 1,
                    SF_FORMAT_WAV | SF_FORMAT_PCM_16);
  std::vector<Utterance> inputs(3);
  const char* names[] = {"short", "long", "short"};
  for (size_t i = 0; i < 3; ++i) {
    inputs[i].index = i;
    inputs[i].id = names[i] + std::to_string(i);
    inputs[i].path = dir.file(std::string(names[i]) + ".wav");
  }
  const CharDetokenizer detokenizer(Vocabulary::from_file(test::fixture("models/tiny-group-st/vocab.json")));
  const CtcGreedyDecoder greedy(0);
  const TranscriptBuilder builder(greedy, detokenizer);
  const FrameCodeEngine engine;
  auto run = [&](double chunk_seconds) {
    PipelineConfig config;
    config.batching.max_batch_size = 3;  // chunks share batches with each other and with the short files
    config.batching.max_padding_fraction = 1.0;
    config.chunking = ChunkingConfig{chunk_seconds, 0.4};  // 2 s chunks: 100 frames, 20 of context a side
    TranscriptionPipeline pipeline(config, ReadOptions{{}, /*normalize=*/false}, engine, builder);
    Collector collector;
    const RunSummary summary = pipeline.run(inputs, collector);
    EXPECT_EQ(summary.succeeded, 3u);
    return std::make_pair(collector.results, summary.pipeline.batches);
  };
  const auto [whole, whole_batches] = run(0.0);
  const auto [chunked, chunked_batches] = run(2.0);
  ASSERT_EQ(chunked.size(), 3u);
  EXPECT_EQ(whole[1].text.size(), 350u);  // one letter per frame
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(chunked[i].text, whole[i].text) << i;
    EXPECT_DOUBLE_EQ(chunked[i].duration_seconds, whole[i].duration_seconds);
  }
  EXPECT_GT(chunked_batches, whole_batches);  // 6 chunks instead of one file
}

}  // namespace
}  // namespace w2v2
