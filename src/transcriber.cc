#include "transcriber.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <thread>

#include "common/error.h"
#include "pipeline/transcript_builder.h"
#include "checkpoint/default_model.h"
#include "checkpoint/model_directory.h"
#include "decoding/make_ctc_decoder.h"
#include "output/journal_writer.h"
#include "output/restoring_writer.h"
#include "pipeline/reader_stage.h"
#include "pipeline/transcription_pipeline.h"
#include "runtime/inference_engine.h"
#include "common/usable_cores.h"
#include "text/make_detokenizer.h"

namespace w2v2 {

Transcriber::Transcriber(TranscriberConfig config) : config_(std::move(config)) {
  config_.validate();
  if (config_.model_dir.empty()) config_.model_dir = require_default_model_dir();
  // More intra-op threads than usable cores make OpenMP spin against itself (measured: a run 40x slower).
  if (const int cores = usable_cores(); config_.runtime.threads > cores) {
    spdlog::warn("--threads {} is more than the {} cores this process may use; using {}", config_.runtime.threads,
                 cores, cores);
    config_.runtime.threads = cores;
  }
  // Before the model loads: a bad --lm / language_model/ or decoding flag fails fast.
  decoding_ = config_.decoding.resolve(config_.model_dir);
  spdlog::info("decoding: {}", decoding_.to_string());
  model_ = std::make_unique<ModelDirectory>(ModelDirectory::open(config_.model_dir));
  spdlog::info("model {}: {}", config_.model_dir, model_->config.to_string());
  detokenizer_ = make_detokenizer(model_->tokenizer, model_->config.vocab_size, model_->config.pad_token_id);
  engine_ = std::make_unique<InferenceEngine>(*model_, config_.runtime);
  config_.pipeline.resolve_for_device(engine_->device(), static_cast<unsigned>(usable_cores()),
                                      config_.audio.target_sample_rate_hz);
  // Thread budget: the intra-op threads run the model; readers and the decode pool mostly wait, but a
  // budget beyond the cores slows the model down.
  const auto cores = static_cast<unsigned>(usable_cores());
  const unsigned busy = static_cast<unsigned>(engine_->threads() + (config_.pipeline.enabled ? config_.pipeline.reader_threads : 0));
  if (!engine_->device().is_gpu() && busy > cores + 1) {  // a GPU's intra-op threads are mostly idle
    spdlog::warn("{} intra-op threads + {} reader threads on {} cores: oversubscribed; lower --threads or --readers",
                 engine_->threads(), config_.pipeline.reader_threads, cores);
  }
  int64_t stride = 1;
  for (int s : model_->config.conv_stride) stride *= s;
  const double frame_seconds = static_cast<double>(stride) / model_->preprocessor.sampling_rate;
  decoder_ = make_ctc_decoder(decoding_, *detokenizer_, static_cast<int>(model_->config.pad_token_id));
  builder_ = std::make_unique<TranscriptBuilder>(
      *decoder_, *detokenizer_,
      TranscriptBuilderOptions{config_.output.logits_dir, config_.scoring, frame_seconds, decoding_.beam.nbest});
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
  // Opened (and locked) for the whole run; an earlier run's records come back with --resume.
  JournalWriter journal_writer(journal, config_.output.resume);
  // Successful records of an earlier run by (id, path); failures are retried.
  std::multimap<std::pair<std::string, std::string>, UtteranceResult> done;
  for (const auto& r : journal_writer.recovered()) {
    if (r.status == UtteranceStatus::kOk) done.emplace(std::make_pair(r.id, r.path), r);
  }
  std::vector<std::optional<UtteranceResult>> restored(inputs.size());
  std::vector<Utterance> remaining;  // what this run transcribes; index = position among them
  for (size_t i = 0; i < inputs.size(); ++i) {
    auto it = done.find(std::make_pair(inputs[i].id, inputs[i].path));
    if (it != done.end()) {
      restored[i] = std::move(it->second);
      done.erase(it);
    } else {
      remaining.push_back(inputs[i]);
      remaining.back().index = remaining.size() - 1;
    }
  }
  if (remaining.size() < inputs.size()) {
    spdlog::info("resuming {}: {} of {} inputs already done", journal, inputs.size() - remaining.size(), inputs.size());
  }

  // This run's results are journaled as they are decoded; the real writer gets restored and new results in
  // input order.
  RestoringWriter restoring(writer, inputs, std::move(restored));
  RunSummary summary = run(remaining, restoring, progress, &journal_writer);
  for (auto& failure : summary.failures) failure.index = restoring.input_index(failure.index);
  for (auto& result : restoring.take_restored()) summary.count_restored(std::move(result));
  std::sort(summary.failures.begin(), summary.failures.end(),
            [](const UtteranceResult& a, const UtteranceResult& b) { return a.index < b.index; });
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
                            ProgressObserver* progress, TranscriptWriter* journal) {
  TraceRecorder trace(!config_.output.trace_path.empty());
  TranscriptionPipeline pipeline(config_.pipeline, read_options(), *engine_, *builder_, &trace);
  RunSummary summary = pipeline.run(inputs, writer, progress, journal);
  if (trace.enabled()) trace.write(config_.output.trace_path);
  summary.load_seconds = engine_->load_seconds();
  return summary;
}

const BatchEngine& Transcriber::engine() const { return *engine_; }

std::vector<float> Transcriber::load_audio(const std::string& path) const {
  TraceRecorder no_trace(false);
  return ReaderStage(read_options(), config_.pipeline.chunking, no_trace).load_whole(path);
}

ReadOptions Transcriber::read_options() const { return ReadOptions{config_.audio, model_->preprocessor.do_normalize}; }

double Transcriber::load_seconds() const { return engine_->load_seconds(); }

std::string Transcriber::model_summary() const { return model_->config.to_string(); }
std::string Transcriber::device_name() const { return engine_->device_name(); }
std::string Transcriber::precision() const { return engine_->precision(); }
void Transcriber::freeze_graphs() { engine_->freeze_graphs(); }

}  // namespace w2v2
