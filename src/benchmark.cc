#include "benchmark.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <map>
#include <random>

#include "bench/synthetic_audio.h"
#include "checkpoint/default_model.h"
#include "common/error.h"
#include "datasets/make_dataset.h"
#include "model/random_model_folder.h"
#include "pipeline/audio_chunker.h"
#include "output/transcript_writer.h"
#include "pipeline/length_bucketer.h"
#include "engine/batch_engine.h"
#include "runtime/torch_threads.h"
#include "transcriber.h"

namespace w2v2 {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Keeps what the benchmark needs from each result and drops the text.
class MeasuringWriter : public TranscriptWriter {
 public:
  void write(const UtteranceResult& result) override {
    latencies.push_back(result.latency_seconds);
    if (result.status != UtteranceStatus::kOk) ++failures;
  }
  void finish() override {}
  std::vector<double> latencies;
  size_t failures = 0;
};

// A folder removed with the object (random weights, synthetic audio nobody asked to keep).
class ScratchDir {
 public:
  ScratchDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("w2v2-bench-" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  std::string sub(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

// The batches the pipeline forms, threaded or serial (its readers hand pieces on in input order): windows
// closed by BatchingConfig::window_full, each sorted and cut by make_batches.
std::vector<std::vector<size_t>> plan_batches(const std::vector<int64_t>& lengths, const PipelineConfig& pipeline) {
  std::vector<std::vector<size_t>> out;
  const BatchingConfig& batching = pipeline.batching;
  std::vector<size_t> window;
  std::vector<int64_t> window_lengths;
  int64_t window_samples = 0;
  auto flush = [&] {
    for (const auto& group : make_batches(window_lengths, batching)) {
      std::vector<size_t> batch;
      for (size_t k : group) batch.push_back(window[k]);
      out.push_back(std::move(batch));
    }
    window.clear();
    window_lengths.clear();
    window_samples = 0;
  };
  for (size_t i = 0; i < lengths.size(); ++i) {
    window.push_back(i);
    window_lengths.push_back(lengths[i]);
    window_samples += lengths[i];
    if (batching.window_full(window.size(), window_samples)) flush();
  }
  if (!window.empty()) flush();
  return out;
}

// What one forward input is: a whole file, or one chunk of a long file (as the pipeline and the serial
// loop split them), in samples at the model's rate.
struct Piece {
  size_t input = 0;
  int64_t start = 0;
  int64_t length = 0;
};

// The pieces of every readable input, in input order; unreadable inputs have none (the end-to-end run
// reports them as failures).
std::vector<Piece> plan_pieces(const Transcriber& transcriber, const std::vector<Utterance>& inputs) {
  std::vector<Piece> pieces;
  for (size_t i = 0; i < inputs.size(); ++i) {
    int64_t samples = 0;
    try {
      samples = static_cast<int64_t>(transcriber.load_audio(inputs[i].path).size());
    } catch (const std::exception&) {
      continue;
    }
    for (const AudioChunk& c : plan_chunks(samples, transcriber.config().pipeline.chunking,
                                           transcriber.config().audio.target_sample_rate_hz)) {
      pieces.push_back({i, c.start, c.length});
    }
  }
  return pieces;
}

// Forward passes alone over `batches` of `pieces`; audio is loaded before each timed call. -> seconds
// inside run().
double time_model_only(const Transcriber& transcriber, const std::vector<Utterance>& inputs,
                       const std::vector<Piece>& pieces, const std::vector<std::vector<size_t>>& batches) {
  double total = 0.0;
  for (const auto& batch : batches) {
    std::vector<std::vector<float>> audio;
    std::map<size_t, std::vector<float>> files;  // each input of the batch read once
    for (size_t k : batch) {
      const Piece& p = pieces[k];
      auto file = files.find(p.input);
      if (file == files.end()) file = files.emplace(p.input, transcriber.load_audio(inputs[p.input].path)).first;
      audio.emplace_back(file->second.begin() + p.start, file->second.begin() + p.start + p.length);
    }
    std::vector<const std::vector<float>*> waveforms;
    for (const auto& a : audio) waveforms.push_back(&a);
    const auto start = Clock::now();
    transcriber.engine().run(waveforms);
    total += seconds_since(start);
  }
  return total;
}

}  // namespace

Benchmark::Benchmark(BenchConfig config) : config_(std::move(config)) { config_.validate(); }

BenchReport Benchmark::run() {
  BenchReport report;
  report.system = SystemInfo::probe();
  report.torch_version = torch_version();
  report.version = config_.version;
  report.command_line = config_.command_line;
  report.config = config_.to_string();
  report.threads = configure_torch_threads(config_.transcriber.runtime.threads);

  ScratchDir scratch;
  std::string model_dir = config_.transcriber.model_dir;
  if (!config_.random_config.empty()) {
    const fs::path source = fs::is_directory(config_.random_config) ? fs::path(config_.random_config)
                                                                     : fs::path(config_.random_config).parent_path();
    model_dir = scratch.sub("model");
    write_random_model_folder(source.string(), model_dir, config_.seed);
    report.model = "random weights for " + (source / "config.json").string();
  } else {
    if (model_dir.empty()) model_dir = require_default_model_dir();
    report.model = model_dir;
  }

  std::vector<Utterance> inputs;
  if (config_.inputs.empty()) {
    const std::string dir = config_.audio_dir.empty() ? scratch.sub("audio") : config_.audio_dir;
    inputs = make_dataset(write_synthetic_corpus(dir, config_.durations, config_.count, config_.seed));
    spdlog::info("{} synthetic files in {}", inputs.size(), dir);
  } else {
    inputs = make_dataset(config_.inputs);
    if (config_.count > 0 && inputs.size() > static_cast<size_t>(config_.count)) inputs.resize(config_.count);
  }
  W2V2_CHECK_AS(DatasetError, !inputs.empty(), "bench: no audio files in the given paths");

  for (Precision precision : config_.precisions) {
    for (bool graph : config_.graph_modes) {
      for (bool pipeline : config_.pipeline_modes) {
        for (int batch_size : config_.batch_sizes) {
          if (!pipeline && batch_size > 1) {
            spdlog::info("skipping pipeline off x batch {}: the serial loop runs one utterance at a time", batch_size);
            continue;
          }
          TranscriberConfig tc = config_.transcriber;
          tc.model_dir = model_dir;
          tc.runtime.precision = precision;
          tc.runtime.graph = graph;
          tc.pipeline.enabled = pipeline;
          tc.pipeline.batching.max_batch_size = batch_size;
          const bool peak_reset = reset_peak_rss();
          const size_t rss_at_start = current_rss_bytes();
          Transcriber transcriber(tc);
          report.model_summary = transcriber.model_summary();
          report.device = transcriber.device_name();
          report.decoding = transcriber.decoding().to_string();

          BenchCase c;
          c.precision = to_string(precision);
          c.precision_detail = transcriber.precision();
          c.peak_rss_reset = peak_reset;
          c.rss_at_start_bytes = rss_at_start;
          c.pipeline = pipeline;
          c.graph = graph;
          c.batch_size = batch_size;
          c.load_seconds = transcriber.load_seconds();
          // Long files run as the same chunks end to end and model-only, so the overhead compares like work.
          const std::vector<Piece> pieces = plan_pieces(transcriber, inputs);
          std::vector<int64_t> lengths;
          for (const Piece& p : pieces) lengths.push_back(p.length);
          const auto batches = plan_batches(lengths, transcriber.config().pipeline);
          c.model_only_batches = batches.size();
          spdlog::info("case {} pipeline {} graph {} batch {}: {} batches; warming up", c.precision_detail,
                       pipeline ? "on" : "off",
                       graph ? "on" : "off", batch_size, batches.size());
          for (int w = 0; w < config_.warmup; ++w) time_model_only(transcriber, inputs, pieces, batches);
          // Graph capture happens at warm-up (the planned batches' shapes); in the timed runs, shapes outside
          // that set (a GPU pipeline's partial batches) run eagerly instead of being captured mid-run.
          if (config_.warmup > 0) transcriber.freeze_graphs();

          std::vector<PipelineStats> stats;
          for (int r = 0; r < config_.repeat; ++r) {
            c.model_only_seconds.push_back(time_model_only(transcriber, inputs, pieces, batches));
            MeasuringWriter writer;
            const RunSummary summary = transcriber.transcribe(inputs, writer);
            c.wall_seconds.push_back(summary.wall_seconds);
            stats.push_back(summary.pipeline);
            c.latencies.insert(c.latencies.end(), writer.latencies.begin(), writer.latencies.end());
            c.utterances = summary.files;
            c.failures = summary.failures.size();
            c.audio_seconds = summary.audio_seconds;
            spdlog::info("  repeat {}: end-to-end {:.2f} s, model-only {:.2f} s, {:.1f} s of audio", r + 1,
                         c.wall_seconds.back(), c.model_only_seconds.back(), c.audio_seconds);
          }
          // Stage times of the repeat whose wall time is the median.
          const double mid = c.wall();
          size_t best = 0;
          for (size_t r = 1; r < c.wall_seconds.size(); ++r) {
            if (std::abs(c.wall_seconds[r] - mid) < std::abs(c.wall_seconds[best] - mid)) best = r;
          }
          c.stats = stats[best];
          c.peak_rss_bytes = peak_rss_bytes();
          report.cases.push_back(std::move(c));
        }
      }
    }
  }
  return report;
}

}  // namespace w2v2
