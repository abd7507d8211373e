#include "transcriber.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>

#include "common/error.h"
#include "decoding/ctc_greedy_decoder.h"
#include "features/waveform_normalizer.h"
#include "model/model_directory.h"
#include "output/npy_file.h"
#include "runtime/inference_engine.h"
#include "text/make_detokenizer.h"

namespace w2v2 {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

std::string Transcriber::logits_path(const Utterance& utterance) const {
  namespace fs = std::filesystem;
  const fs::path path = (fs::path(config_.output.logits_dir) / utterance.output_stem).concat(".npy");
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  W2V2_CHECK_AS(OutputError, !ec, path.parent_path().string(), ": cannot create (", ec.message(), ")");
  return path.string();
}

Transcriber::Transcriber(TranscriberConfig config) : config_(std::move(config)) {
  config_.validate();
  model_ = std::make_unique<ModelDirectory>(ModelDirectory::open(config_.model_dir));
  spdlog::info("model {}: {}", config_.model_dir, model_->config.to_string());
  detokenizer_ = make_detokenizer(*model_);
  engine_ = std::make_unique<InferenceEngine>(*model_, config_.runtime);
  if (!config_.output.logits_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(config_.output.logits_dir, ec);
    W2V2_CHECK_AS(OutputError, !ec, config_.output.logits_dir, ": cannot create (", ec.message(), ")");
  }
}

Transcriber::~Transcriber() = default;

UtteranceResult Transcriber::transcribe_one(const Utterance& utterance, double& model_seconds) {
  UtteranceResult result;
  result.index = utterance.index;
  result.id = utterance.id;
  result.path = utterance.path;
  std::string stage = "read";
  try {
    Waveform waveform = read_audio_file(utterance.path, config_.audio);
    result.duration_seconds = waveform.duration_seconds();
    if (model_->preprocessor.do_normalize) normalize_waveform(waveform.samples);

    stage = "model";
    const auto start = std::chrono::steady_clock::now();
    const UtteranceLogits logits = engine_->run({&waveform.samples}).front();
    model_seconds += seconds_since(start);

    stage = "decode";
    const CtcGreedyDecoder decoder(model_->config.pad_token_id);
    const CtcHypothesis hypothesis =
        decoder.decode(logits.data.data(), static_cast<int>(logits.frames), static_cast<int>(logits.vocab));
    result.text = detokenizer_->detokenize(hypothesis.tokens);

    if (!config_.output.logits_dir.empty()) {
      stage = "output";
      write_npy(logits_path(utterance), logits.data.data(), {logits.frames, logits.vocab});
    }
  } catch (const std::exception& e) {
    result.status = UtteranceStatus::kFailed;
    result.error_stage = stage;
    result.error = e.what();
    result.text.clear();
    spdlog::warn("{}: failed at {}: {}", utterance.path, stage, e.what());
  }
  return result;
}

RunSummary Transcriber::transcribe(const std::vector<Utterance>& inputs, TranscriptWriter& writer) {
  RunSummary summary;
  summary.load_seconds = engine_->load_seconds();
  const auto start = std::chrono::steady_clock::now();
  for (const Utterance& utterance : inputs) {
    UtteranceResult result = transcribe_one(utterance, summary.model_seconds);
    ++summary.files;
    summary.audio_seconds += result.duration_seconds;
    writer.write(result);
    if (result.status == UtteranceStatus::kOk) {
      ++summary.succeeded;
    } else {
      summary.failures.push_back(std::move(result));
    }
  }
  writer.finish();
  summary.wall_seconds = seconds_since(start);
  return summary;
}

}  // namespace w2v2
