#include "transcriber.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <thread>

#include "audio/audio_source.h"
#include "common/error.h"
#include "decoding/transcript_builder.h"
#include "features/waveform_normalizer.h"
#include "checkpoint/model_directory.h"
#include "output/journal_writer.h"
#include "pipeline/audio_chunker.h"
#include "pipeline/transcription_pipeline.h"
#include "runtime/inference_engine.h"
#include "runtime/usable_cores.h"
#include "text/make_detokenizer.h"

namespace w2v2 {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

Transcriber::Transcriber(TranscriberConfig config) : config_(std::move(config)) {
  config_.validate();
  // More intra-op threads than usable cores make OpenMP spin against itself (measured: a run 40x slower).
  if (const int cores = usable_cores(); config_.runtime.threads > cores) {
    spdlog::warn("--threads {} is more than the {} cores this process may use; using {}", config_.runtime.threads,
                 cores, cores);
    config_.runtime.threads = cores;
  }
  model_ = std::make_unique<ModelDirectory>(ModelDirectory::open(config_.model_dir));
  spdlog::info("model {}: {}", config_.model_dir, model_->config.to_string());
  detokenizer_ = make_detokenizer(model_->tokenizer, model_->config.vocab_size, model_->config.pad_token_id);
  engine_ = std::make_unique<InferenceEngine>(*model_, config_.runtime);
  config_.pipeline.resolve_for_device(engine_->max_in_flight() > 1, static_cast<unsigned>(usable_cores()));
  // Thread budget: the intra-op threads run the model; readers and the decode pool mostly wait, but a
  // budget beyond the cores slows the model down.
  const auto cores = static_cast<unsigned>(usable_cores());
  const unsigned busy = static_cast<unsigned>(engine_->threads() + (config_.pipeline.enabled ? config_.pipeline.reader_threads : 0));
  if (engine_->max_in_flight() == 1 && busy > cores + 1) {  // a GPU's intra-op threads are mostly idle
    spdlog::warn("{} intra-op threads + {} reader threads on {} cores: oversubscribed; lower --threads or --readers",
                 engine_->threads(), config_.pipeline.reader_threads, cores);
  }
  int64_t stride = 1;
  for (int s : model_->config.conv_stride) stride *= s;
  const double frame_seconds = static_cast<double>(stride) / model_->preprocessor.sampling_rate;
  builder_ = std::make_unique<TranscriptBuilder>(model_->config.pad_token_id, *detokenizer_, config_.output.logits_dir,
                                                 config_.scoring, frame_seconds);
}

Transcriber::~Transcriber() = default;

RunSummary Transcriber::transcribe(const std::vector<Utterance>& inputs, TranscriptWriter& writer,
                                   ProgressObserver* progress) {
  if (!config_.output.journal_path.empty()) return transcribe_journaled(inputs, writer, progress);
  return run(inputs, writer, progress);
}

RunSummary Transcriber::transcribe_journaled(const std::vector<Utterance>& inputs, TranscriptWriter& writer,
                                             ProgressObserver* progress) {
  const std::string& journal = config_.output.journal_path;
  auto key = [](const std::string& id, const std::string& path) { return id + '\n' + path; };
  // Opened (and locked) for the whole run; an earlier run's records come back with --resume.
  JournalWriter journal_writer(journal, config_.output.resume);
  std::multimap<std::string, UtteranceResult> done;  // successful records of an earlier run
  for (const auto& r : journal_writer.recovered()) {
    if (r.status == UtteranceStatus::kOk) done.emplace(key(r.id, r.path), r);  // failures are retried
  }
  std::vector<std::optional<UtteranceResult>> results(inputs.size());
  std::vector<Utterance> remaining;
  std::vector<size_t> position;  // remaining[k] is inputs[position[k]]
  for (size_t i = 0; i < inputs.size(); ++i) {
    auto it = done.find(key(inputs[i].id, inputs[i].path));
    if (it != done.end()) {
      results[i] = std::move(it->second);
      done.erase(it);
    } else {
      remaining.push_back(inputs[i]);
      remaining.back().index = remaining.size() - 1;
      position.push_back(i);
    }
  }
  if (remaining.size() < inputs.size()) {
    spdlog::info("resuming {}: {} of {} inputs already done", journal, inputs.size() - remaining.size(), inputs.size());
  }

  // Journal each new result (durably) and keep it for the final, ordered write.
  class Journaling : public TranscriptWriter {
   public:
    Journaling(JournalWriter& journal, std::vector<std::optional<UtteranceResult>>& results,
               const std::vector<size_t>& position)
        : journal_(journal), results_(results), position_(position) {}
    void write(const UtteranceResult& result) override {
      journal_.write(result);
      results_[position_[result.index]] = result;
    }
    void finish() override { journal_.finish(); }

   private:
    JournalWriter& journal_;
    std::vector<std::optional<UtteranceResult>>& results_;
    const std::vector<size_t>& position_;
  } journaling(journal_writer, results, position);
  RunSummary summary = run(remaining, journaling, progress);

  // Every input, in input order, to the real outputs; the summary counts them all.
  const double run_audio_seconds = summary.run_audio_seconds;  // what this run transcribed
  summary.files = summary.succeeded = 0;
  summary.failures.clear();
  summary.audio_seconds = 0.0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    W2V2_CHECK(results[i].has_value(), "journaled run lost the result of ", inputs[i].path);
    UtteranceResult& result = *results[i];
    result.index = i;
    result.output_stem = inputs[i].output_stem;
    write_result(writer, result);
    summary.count(std::move(result));
  }
  summary.run_audio_seconds = run_audio_seconds;
  writer.finish();
  size_t unwritten = 0;
  for (const auto& failure : summary.failures) unwritten += failure.error_stage == FailureStage::kOutput;
  if (unwritten > 0) {  // e.g. a full disk: the journal still has those transcripts
    spdlog::warn("{}: kept: {} transcripts could not be written; fix the cause and rerun with --resume", journal,
                 unwritten);
  } else {
    journal_writer.remove();
  }
  return summary;
}

RunSummary Transcriber::run(const std::vector<Utterance>& inputs, TranscriptWriter& writer,
                            ProgressObserver* progress) {
  RunSummary summary;
  if (!config_.pipeline.enabled) {
    summary = transcribe_serial(inputs, writer);
  } else {
    TraceRecorder trace(!config_.output.trace_path.empty());
    TranscriptionPipeline pipeline(config_.pipeline, ReadOptions{config_.audio, model_->preprocessor.do_normalize},
                                   *engine_, *builder_, &trace);
    summary = pipeline.run(inputs, writer, progress);
    if (trace.enabled()) trace.write(config_.output.trace_path);
  }
  summary.load_seconds = engine_->load_seconds();
  return summary;
}

const BatchEngine& Transcriber::engine() const { return *engine_; }

std::vector<float> Transcriber::load_audio(const std::string& path) const {
  Waveform waveform = read_audio_file(path, config_.audio);
  if (model_->preprocessor.do_normalize) normalize_waveform(waveform.samples);
  return std::move(waveform.samples);
}

double Transcriber::load_seconds() const { return engine_->load_seconds(); }

std::string Transcriber::model_summary() const { return model_->config.to_string(); }
std::string Transcriber::device_name() const { return engine_->device_name(); }
void Transcriber::freeze_graphs() { engine_->freeze_graphs(); }

// The naive loop, for comparison: one utterance at a time, load -> forward -> decode, serially.
RunSummary Transcriber::transcribe_serial(const std::vector<Utterance>& inputs, TranscriptWriter& writer) {
  RunSummary summary;
  const auto start = Clock::now();
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Utterance& utterance = inputs[i];
    UtteranceResult result;
    result.index = i;  // position in `inputs`, as the pipeline reports it
    result.id = utterance.id;
    result.path = utterance.path;
    result.output_stem = utterance.output_stem;
    FailureStage stage = FailureStage::kRead;
    const auto t0 = Clock::now();
    try {
      // Read as the pipeline reads: a long file streamed chunk by chunk, a short one whole.
      const int rate = config_.audio.target_sample_rate_hz;
      AudioSource source(utterance.path, config_.audio, config_.pipeline.chunking.chunk_seconds);
      result.duration_seconds = static_cast<double>(source.frames()) / rate;
      const auto chunks = plan_chunks(source.frames(), config_.pipeline.chunking, rate);
      std::vector<float> samples;
      if (chunks.size() == 1) {
        samples = source.take_all();
        if (model_->preprocessor.do_normalize) normalize_waveform(samples);
      }
      summary.pipeline.read_seconds += seconds_since(t0);
      stage = FailureStage::kModel;
      double model_seconds = 0.0;
      UtteranceLogits logits;
      if (chunks.size() == 1) {
        const auto t1 = Clock::now();
        logits = engine_->run({&samples}).front();
        model_seconds += seconds_since(t1);
        ++summary.pipeline.batches;
      } else {  // a long file, chunk by chunk (see TranscriptionPipeline)
        std::vector<UtteranceLogits> parts;
        for (const AudioChunk& chunk : chunks) {
          stage = FailureStage::kRead;
          const auto r0 = Clock::now();
          std::vector<float> piece = source.read(chunk.start, chunk.length);
          if (model_->preprocessor.do_normalize) normalize_waveform(piece);
          summary.pipeline.read_seconds += seconds_since(r0);
          stage = FailureStage::kModel;
          const auto t1 = Clock::now();
          parts.push_back(trim_chunk_logits(engine_->run({&piece}).front(), chunk));
          model_seconds += seconds_since(t1);
          ++summary.pipeline.batches;
        }
        logits = concatenate_logits(parts);
      }
      summary.model_seconds += model_seconds;
      const auto t2 = Clock::now();
      builder_->build(utterance, logits, result);
      summary.pipeline.decode_seconds += seconds_since(t2);
      result.latency_seconds = seconds_since(t0);
    } catch (const std::exception& e) {
      result.status = UtteranceStatus::kFailed;
      result.error_stage = stage;
      result.error = e.what();
      spdlog::warn("{}: failed at {}: {}", utterance.path, to_string(stage), e.what());
    }
    write_result(writer, result);
    summary.count(std::move(result));
  }
  writer.finish();
  summary.wall_seconds = seconds_since(start);
  summary.pipeline.device_seconds = summary.model_seconds;
  return summary;
}

}  // namespace w2v2
