// The public C++ API (<w2v2/w2v2.h>) over the Transcriber: the library's one way to run a model, as the CLI's.
#include "api/recognizer_runner.h"

#include <cmath>
#include <filesystem>
#include <utility>

#include "checkpoint/default_model.h"
#include "common/error.h"
#include "common/logging.h"
#include "decoding/decoding_config.h"
#include "engine/device.h"
#include "engine/precision.h"
#include "output/collecting_writer.h"
#include "transcriber.h"

namespace w2v2 {
namespace {

TranscriberConfig transcriber_config(const RecognizerOptions& options) {
  TranscriberConfig config;
  config.model_dir = options.model_dir.empty() ? require_default_model_dir() : options.model_dir;
  config.runtime.device = Device::parse(options.device);
  config.runtime.threads = options.threads;
  config.runtime.precision = parse_precision(options.precision);
  W2V2_CHECK_AS(ConfigError, parse_decoder_kind(options.decoder, config.decoding.decoder), "decoder \"",
                options.decoder, "\": not auto, greedy or beam");
  if (options.beam_size > 0) config.decoding.beam.beam_size = options.beam_size;
  config.decoding.lm = options.lm;
  if (options.lm_weight >= 0.0) config.decoding.lm_weight = options.lm_weight;
  if (options.word_score > -1e300) config.decoding.word_score = options.word_score;
  config.decoding.hotwords = options.hotwords;
  config.audio.channel = options.channel;
  config.audio.audio_stream = options.audio_stream;
  if (options.chunk_seconds > 0.0) config.pipeline.chunking.chunk_seconds = options.chunk_seconds;
  // As the CLI: batch size, padded audio per batch and readers chosen for the device.
  config.pipeline.batching.max_batch_size = 0;
  config.pipeline.batching.max_batch_seconds = 0.0;
  config.pipeline.reader_threads = 0;
  config.decoding.validate();
  return config;
}

Transcript to_transcript(const UtteranceResult& result) {
  Transcript t;
  t.text = result.text;
  t.duration = result.duration_seconds;
  t.container = result.container;
  t.codec = result.codec;
  t.words.reserve(result.words.size());
  for (const WordTiming& w : result.words) t.words.push_back(Word{w.word, w.start_seconds, w.end_seconds, w.confidence});
  return t;
}

// The one result of a run, or the exception of its failure.
UtteranceResult only_ok(std::vector<UtteranceResult> results) {
  W2V2_CHECK(results.size() == 1, "one result expected, got ", results.size());
  if (results[0].status != UtteranceStatus::kOk) RecognizerRunner::throw_failure(results[0]);
  return std::move(results[0]);
}

}  // namespace

void RecognizerRunner::throw_failure(const UtteranceResult& result) {
  switch (result.error_stage) {
    case FailureStage::kRead: throw AudioReadError(result.error);
    case FailureStage::kOutput: throw OutputError(result.error);
    default: throw Error(result.path + ": " + result.error);
  }
}

RecognizerRunner::RecognizerRunner(const RecognizerOptions& options) {
  init_logging(LoggingConfig{options.log_to_stderr ? LogLevel::kInfo : LogLevel::kError});
  transcriber_ = std::make_unique<Transcriber>(transcriber_config(options));
}

RecognizerRunner::~RecognizerRunner() = default;

std::vector<UtteranceResult> RecognizerRunner::run(std::vector<Utterance> inputs) {
  for (size_t i = 0; i < inputs.size(); ++i) {
    inputs[i].index = i;
    if (inputs[i].id.empty()) inputs[i].id = inputs[i].path;
    if (inputs[i].output_stem.empty()) inputs[i].output_stem = std::filesystem::path(inputs[i].path).stem().string();
  }
  CollectingWriter writer;
  std::lock_guard<std::mutex> lock(mutex_);  // one run at a time: each uses every model thread
  transcriber_->transcribe(inputs, writer);
  return writer.results();
}

std::vector<UtteranceResult> RecognizerRunner::run_files(const std::vector<std::string>& paths) {
  std::vector<Utterance> inputs(paths.size());
  for (size_t i = 0; i < paths.size(); ++i) inputs[i].path = paths[i];
  return run(std::move(inputs));
}

UtteranceResult RecognizerRunner::run_file(const std::string& path) { return only_ok(run_files({path})); }

UtteranceResult RecognizerRunner::run_samples(const float* samples, size_t count, int sample_rate_hz) {
  W2V2_CHECK_AS(AudioReadError, samples != nullptr || count == 0, "samples: null pointer");
  std::vector<Utterance> inputs(1);
  inputs[0].path = "samples";
  inputs[0].samples = std::make_shared<const std::vector<float>>(samples, samples + count);
  inputs[0].sample_rate_hz = sample_rate_hz;
  return only_ok(run(std::move(inputs)));
}

const Transcriber& RecognizerRunner::transcriber() const { return *transcriber_; }

struct Recognizer::Impl {
  explicit Impl(const RecognizerOptions& options) : runner(options) {}
  RecognizerRunner runner;
};

Recognizer::Recognizer(const RecognizerOptions& options) : impl_(std::make_unique<Impl>(options)) {}
Recognizer::~Recognizer() = default;
Recognizer::Recognizer(Recognizer&&) noexcept = default;
Recognizer& Recognizer::operator=(Recognizer&&) noexcept = default;

Transcript Recognizer::transcribe_file(const std::string& path) {
  return to_transcript(impl_->runner.run_file(path));
}

Transcript Recognizer::transcribe(const float* samples, size_t count, int sample_rate_hz) {
  return to_transcript(impl_->runner.run_samples(samples, count, sample_rate_hz));
}

std::vector<Recognizer::FileResult> Recognizer::transcribe_files_status(const std::vector<std::string>& paths) {
  const std::vector<UtteranceResult> results = impl_->runner.run_files(paths);
  std::vector<FileResult> out(results.size());
  for (size_t i = 0; i < results.size(); ++i) {
    if (results[i].status == UtteranceStatus::kOk) {
      out[i].transcript = to_transcript(results[i]);
    } else {
      out[i].error = results[i].error.empty() ? "failed" : results[i].error;
    }
  }
  return out;
}

std::vector<Transcript> Recognizer::transcribe_files(const std::vector<std::string>& paths) {
  const std::vector<UtteranceResult> results = impl_->runner.run_files(paths);
  std::vector<Transcript> out;
  out.reserve(results.size());
  for (const UtteranceResult& r : results) {
    if (r.status != UtteranceStatus::kOk) RecognizerRunner::throw_failure(r);
    out.push_back(to_transcript(r));
  }
  return out;
}

std::string Recognizer::model_dir() const { return impl_->runner.transcriber().config().model_dir; }
std::string Recognizer::device() const { return impl_->runner.transcriber().device_name(); }
std::string Recognizer::description() const {
  const Transcriber& t = impl_->runner.transcriber();
  return t.model_summary() + "; " + t.decoding().to_string() + "; " + t.precision();
}

const char* version() { return W2V2_VERSION_STRING; }

}  // namespace w2v2
