#include "cli_options.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <map>

#include "common/logging.h"
#include "datasets/shard.h"
#include "exit_codes.h"
#include "output/transcript_writer.h"
#include "runtime/runtime_config.h"
#include "version.h"

namespace w2v2::app {

CliOptions parse_cli(int argc, char** argv) {
  CliOptions options;
  // A usage error found after parsing: printed here, exit code 2.
  auto usage_error = [&options](const std::string& message) {
    std::cerr << message << "\n";
    options.exit_now = true;
    options.exit_code = static_cast<int>(ExitCode::kUsage);
    return options;
  };
  CLI::App app{"w2v2: batch speech recognition with Wav2Vec2 (CTC) models on LibTorch"};
  app.set_version_flag("--version", std::string(W2V2_VERSION) + " (" + W2V2_GIT_COMMIT + ")");
  app.require_subcommand(1);
  app.fallthrough();  // global options (--log-level) may follow the subcommand

  TranscriberConfig& cfg = options.transcriber;
  std::string format = "txt";
  std::string log_level = "info";

  std::string pipeline = "on";
  std::string graph = "off";
  std::string keep_host_memory = cfg.runtime.keep_host_memory ? "on" : "off";
  auto add_memory_option = [&](CLI::App* cmd) {
    cmd->add_option("--keep-host-memory", keep_host_memory,
                    "on: reuse freed activation memory across batches (glibc malloc tuned once per process); "
                    "off: the allocator's defaults")
        ->capture_default_str()
        ->check(CLI::IsMember({"on", "off"}))
        ->group("Runtime");
  };
  auto add_device_option = [&](CLI::App* cmd) {
    cmd->add_option("--device", cfg.runtime.device,
                    "cpu, cuda, cuda:N, or auto (CUDA when this build has it and a GPU is visible)")
        ->capture_default_str()
        ->check([](const std::string& v) {
          return is_valid_device_name(v) ? std::string() : "expected cpu, cuda, cuda:N or auto";
        })
        ->group("Runtime");
  };
  // Batch size, padded audio per batch and readers default to 0 = chosen for the device (see
  // PipelineConfig::resolve_for_device): one at a time and one reader on the CPU, larger on a GPU.
  cfg.pipeline.batching.max_batch_size = 0;
  cfg.pipeline.reader_threads = 0;
  double max_batch_seconds = 0.0;
  std::string normalization = "librispeech";
  std::string costs = "unit";
  auto add_transcription_options = [&](CLI::App* cmd) {
    cmd->add_option("paths", options.inputs,
                    "Audio files or folders, LibriSpeech folders, NeMo manifests (.json/.jsonl), Kaldi data folders")
        ->required()
        ->group("Data");
    cmd->add_option("-m,--model", cfg.model_dir, "Hugging Face Wav2Vec2ForCTC folder")
        ->capture_default_str()
        ->group("Model");
    cmd->add_option("-t,--threads", cfg.runtime.threads, "Intra-op threads (0 = one per core)")
        ->capture_default_str()
        ->check(CLI::Range(0, 1024))
        ->group("Runtime");
    add_device_option(cmd);
    cmd->add_option("--channel", cfg.audio.channel, "Use this 0-based channel instead of the mean of all")
        ->check(CLI::Range(0, 255))
        ->group("Data");
    cmd->add_option("-o,--output", cfg.output.path, "Transcript file (default: stdout for transcribe, none for eval)")
        ->group("Output");
    cmd->add_option("-f,--format", format,
                    "Output formats, comma-separated: txt, jsonl (with word timings), csv, srt, vtt (several, and srt/vtt, "
                    "need --output-dir)")
        ->capture_default_str()
        ->group("Output");
    cmd->add_option("--shard", options.shard,
                    "Only this part of the inputs: I/N (0-based), auto (Slurm array) or auto/N (Slurm or "
                    "Kubernetes Indexed Job); {shard} in --output/--output-dir/--journal becomes I")
        ->group("Data");
    cmd->add_option("--max-failures", options.max_failures,
                    "Exit 0 when at most this many inputs failed (their failure records are still written)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber)
        ->group("Output");
    cmd->add_option("--journal", cfg.output.journal_path,
                    "Journal of finished utterances (default with --output F: F.journal; with --output-dir D: "
                    "D/.w2v2-journal.jsonl; none for stdout)")
        ->group("Output");
    cmd->add_flag("--resume", cfg.output.resume,
                  "Continue an interrupted run from its journal: finished inputs are skipped")
        ->group("Output");
    cmd->add_option("--output-dir", cfg.output.output_dir,
                    "One file per input and format, mirroring the inputs: DIR/<relative path>.<ext>")
        ->group("Output");
    cmd->add_option("--pipeline", pipeline, "on: overlapped stages; off: the naive serial loop")
        ->capture_default_str()
        ->check(CLI::IsMember({"on", "off"}))
        ->group("Runtime");
    cmd->add_option("--graph", graph,
                    "on: replay a captured graph per shape bucket (CPU: traced, frozen TorchScript; CUDA: CUDA "
                    "graphs); off: eager")
        ->capture_default_str()
        ->check(CLI::IsMember({"on", "off"}))
        ->group("Runtime");
    add_memory_option(cmd);
    cmd->add_option("--batch-size", cfg.pipeline.batching.max_batch_size,
                    "Most utterances per batch (0 = for the device: 1 on CPU, 16 on CUDA)")
        ->capture_default_str()
        ->check(CLI::Range(0, 4096))
        ->group("Runtime");
    cmd->add_option("--max-batch-seconds", max_batch_seconds,
                    "Most padded audio per batch, batch size x longest (0 = for the device: 60 on CPU, 320 on CUDA)")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 36000.0))
        ->group("Runtime");
    cmd->add_option("--readers", cfg.pipeline.reader_threads,
                    "Audio reader threads (0 = for the device: 1 on CPU, half the cores, 2..8, on CUDA)")
        ->capture_default_str()
        ->check(CLI::Range(0, 256))
        ->group("Runtime");
    cmd->add_option("--decode-threads", cfg.pipeline.decode_threads, "CTC decoding threads")
        ->capture_default_str()
        ->check(CLI::Range(1, 256))
        ->group("Runtime");
    cmd->add_option("--chunk-seconds", cfg.pipeline.chunking.chunk_seconds,
                    "Split longer files into overlapping chunks of this length (0 = never)")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 3600.0))
        ->group("Runtime");
    cmd->add_option("--stride-seconds", cfg.pipeline.chunking.stride_seconds,
                    "Context on each side of a chunk whose logits are dropped")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1800.0))
        ->group("Runtime");
    cmd->add_option("--max-padding", cfg.pipeline.batching.max_padding_fraction,
                    "Start a new batch where an utterance is shorter than (1 - this) x the batch's longest")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1.0))
        ->group("Runtime");
    cmd->add_flag("--reproducible-batches", cfg.pipeline.reproducible_batches,
                  "GPU: batch full windows only (as on the CPU), so batches and logits repeat run to run")
        ->group("Runtime");
    cmd->add_option("--check-padding", cfg.pipeline.check_padding,
                    "Re-run this many zero-padded utterances alone; report the largest logit difference")
        ->group("Runtime");
    cmd->add_option("--trace", cfg.output.trace_path, "Write a Chrome trace-event JSON of the run (Perfetto)")
        ->group("Output");
    cmd->add_option("--logits-dir", cfg.output.logits_dir,
                    "Write each utterance's logits as <stem>.npy, float32 (frames, vocab)")
        ->group("Output");
  };
  auto add_scoring_options = [&](CLI::App* cmd) {
    cmd->add_option("--normalize", normalization, "Text normalization before scoring")
        ->capture_default_str()
        ->check(CLI::IsMember({"librispeech", "basic", "none"}))
        ->group("Scoring");
    cmd->add_option("--costs", costs, "Edit costs: unit (Kaldi, jiwer) or sclite (sub 4, ins/del 3)")
        ->capture_default_str()
        ->check(CLI::IsMember({"unit", "sclite"}))
        ->group("Scoring");
  };

  CLI::App* transcribe = app.add_subcommand("transcribe", "Transcribe audio files and folders");
  add_transcription_options(transcribe);

  CLI::App* eval = app.add_subcommand("eval", "Transcribe a corpus with references and score WER/CER");
  add_transcription_options(eval);
  add_scoring_options(eval);
  eval->add_option("--report", options.report_path, "JSON report")->group("Output");
  eval->add_option("--details", options.details_path, "Per-utterance JSONL with the aligned edit operations")
      ->group("Output");
  eval->add_option("--trn-dir", options.trn_dir, "Write sclite hyp.trn and ref.trn here")->group("Output");
  eval->add_option("--tolerance", options.tolerance, "Exit with code 6 when WER (0..1) exceeds this")
      ->check(CLI::Range(0.0, 1.0))
      ->group("Scoring");

  CLI::App* score = app.add_subcommand("score", "Score existing hypotheses against references (no model)");
  score->add_option("--ref", options.score_ref, "References: '<id> <text>' lines or a trn file")
      ->required()
      ->check(CLI::ExistingFile);
  score->add_option("--hyp", options.score_hyp, "Hypotheses: '<id> <text>' lines or a trn file")
      ->required()
      ->check(CLI::ExistingFile);
  score->add_flag("--json", options.score_json, "Print the JSON report instead of the table");
  add_scoring_options(score);

  CLI::App* random = app.add_subcommand(
      "random-model", "Write a model folder with random weights for a published config (benchmarks, tests)");
  random->add_option("--config", options.random_config_dir, "Folder with config.json and vocab.json")
      ->required()
      ->check(CLI::ExistingDirectory);
  random->add_option("-o,--output", options.random_output_dir, "Folder to write")->required();
  random->add_option("--seed", options.random_seed, "Random seed")->capture_default_str();

  BenchConfig& bench = options.bench;
  std::vector<std::string> bench_graph{"off"}, bench_pipeline{"on"};
  bool random_weights = false;
  CLI::App* bench_cmd = app.add_subcommand(
      "bench", "Measure throughput, latency and pipeline overhead on real files or synthetic audio");
  bench_cmd->add_option("paths", bench.inputs, "Audio files, folders or corpora (default: synthetic audio)")
      ->group("Data");
  bench_cmd->add_option("-m,--model", cfg.model_dir, "Hugging Face Wav2Vec2ForCTC folder")
      ->capture_default_str()
      ->group("Model");
  bench_cmd->add_option("--config", bench.random_config, "config.json (or its folder) of the architecture to time")
      ->check(CLI::ExistingPath)
      ->group("Model");
  bench_cmd->add_flag("--random-weights", random_weights, "With --config: random weights of that architecture")
      ->group("Model");
  bench_cmd->add_option("--seed", bench.seed, "Seed of random weights and synthetic audio")->capture_default_str();
  bench_cmd->add_option("--durations", bench.durations, "Synthetic file lengths in seconds, cycled")
      ->delimiter(',')
      ->capture_default_str()
      ->group("Data");
  bench_cmd->add_option("--count", bench.count, "Synthetic files (with real paths: the first N, 0 = all)")
      ->capture_default_str()
      ->check(CLI::Range(0, 10000000))
      ->group("Data");
  bench_cmd->add_option("--audio-dir", bench.audio_dir, "Write (and keep) the synthetic audio here")->group("Data");
  bench_cmd->add_option("--batch-sizes", bench.batch_sizes, "Batch sizes to time")
      ->delimiter(',')
      ->capture_default_str()
      ->group("Modes");
  bench_cmd->add_option("--graph", bench_graph, "Graph capture modes to time (on, off)")
      ->delimiter(',')
      ->check(CLI::IsMember({"on", "off"}))
      ->capture_default_str()
      ->group("Modes");
  bench_cmd->add_option("--pipeline", bench_pipeline, "Pipeline modes to time (on, off)")
      ->delimiter(',')
      ->check(CLI::IsMember({"on", "off"}))
      ->capture_default_str()
      ->group("Modes");
  bench_cmd->add_option("-t,--threads", cfg.runtime.threads, "Intra-op threads (0 = one per core)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1024))
      ->group("Runtime");
  add_device_option(bench_cmd);
  add_memory_option(bench_cmd);
  bench_cmd->add_option("--readers", cfg.pipeline.reader_threads, "Audio reader threads (0 = for the device)")
      ->capture_default_str()
      ->check(CLI::Range(0, 256))
      ->group("Runtime");
  bench_cmd->add_option("--decode-threads", cfg.pipeline.decode_threads, "CTC decoding threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 256))
      ->group("Runtime");
  bench_cmd->add_option("--max-batch-seconds", max_batch_seconds, "Most padded audio per batch (0 = for the device)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 36000.0))
      ->group("Runtime");
  bench_cmd->add_option("--max-padding", cfg.pipeline.batching.max_padding_fraction, "See transcribe --help")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0))
      ->group("Runtime");
  bench_cmd->add_option("--warmup", bench.warmup, "Untimed model-only passes over every batch shape")
      ->capture_default_str()
      ->check(CLI::Range(0, 100));
  bench_cmd->add_option("--repeat", bench.repeat, "Timed runs of each case (medians reported)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  bench_cmd->add_option("--json", bench.json_path, "Write the JSON report here")->group("Output");

  std::string merge_format;
  CLI::App* merge = app.add_subcommand("merge", "Join the outputs of --shard runs in input order; check none is missing");
  merge->add_option("paths", options.inputs, "The inputs the shards were given")->required();
  merge->add_option("--parts", options.merge_parts, "Shard outputs (txt or jsonl)")->required()->check(CLI::ExistingFile);
  merge->add_option("-o,--output", cfg.output.path, "Merged file (default: stdout)");
  merge->add_option("-f,--format", merge_format, "txt or jsonl (default: from the parts' extension)")
      ->check(CLI::IsMember({"txt", "jsonl"}));

  app.add_flag("-q,--quiet", options.quiet, "No progress bar; log warnings and errors only");
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    options.exit_now = true;
    const int code = app.exit(e);
    options.exit_code = code == 0 ? 0 : static_cast<int>(ExitCode::kUsage);
    return options;
  }
  if (transcribe->parsed()) options.command = Command::kTranscribe;
  if (eval->parsed()) options.command = Command::kEval;
  if (score->parsed()) options.command = Command::kScore;
  options.scoring.normalization = parse_text_normalization(normalization);
  cfg.pipeline.enabled = pipeline == "on";
  cfg.runtime.graph = graph == "on";
  cfg.runtime.keep_host_memory = keep_host_memory == "on";
  cfg.pipeline.batching.max_batch_samples = static_cast<int64_t>(max_batch_seconds * 16000.0);
  options.scoring.costs = costs == "sclite" ? EditCosts::sclite() : EditCosts::unit();
  if (random->parsed()) options.command = Command::kRandomModel;
  if (merge->parsed()) {
    options.command = Command::kMerge;
    if (merge_format.empty()) {
      merge_format = std::filesystem::path(options.merge_parts.front()).extension() == ".jsonl" ? "jsonl" : "txt";
    }
    format = merge_format;  // parsed below
  }
  if (!options.shard.empty()) {
    try {
      const Shard shard = Shard::parse(options.shard);
      options.shard = shard.to_string();
      for (std::string* path : {&cfg.output.path, &cfg.output.output_dir, &cfg.output.journal_path}) {
        for (auto at = path->find("{shard}"); at != std::string::npos; at = path->find("{shard}")) {
          path->replace(at, 7, std::to_string(shard.index));
        }
      }
    } catch (const std::exception& e) {
      return usage_error(e.what());
    }
  }
  if (cfg.output.journal_path.empty()) {
    if (!cfg.output.output_dir.empty()) {
      cfg.output.journal_path = (std::filesystem::path(cfg.output.output_dir) / ".w2v2-journal.jsonl").string();
    } else if (!cfg.output.path.empty() && cfg.output.path != "-") {
      cfg.output.journal_path = cfg.output.path + ".journal";
    }
  }
  if (cfg.output.resume && cfg.output.journal_path.empty()) {
    return usage_error("--resume needs --output FILE, --output-dir DIR or --journal FILE");
  }
  if (bench_cmd->parsed()) {
    if (!bench.random_config.empty() && !random_weights) {
      return usage_error("bench: --config needs --random-weights (published weights are not available here)");
    }
    if (random_weights && bench.random_config.empty()) {
      return usage_error("bench: --random-weights needs --config CONFIG.json");
    }
    options.command = Command::kBench;
    bench.graph_modes.clear();
    for (const auto& g : bench_graph) bench.graph_modes.push_back(g == "on");
    bench.pipeline_modes.clear();
    for (const auto& p : bench_pipeline) bench.pipeline_modes.push_back(p == "on");
    std::string command_line = "w2v2";
    for (int i = 1; i < argc; ++i) command_line += std::string(" ") + argv[i];
    bench.command_line = command_line;
    bench.version = std::string(W2V2_VERSION) + " (" + W2V2_GIT_COMMIT + ")";
  }
  cfg.output.formats.clear();
  for (size_t begin = 0; begin <= format.size();) {
    const size_t comma = std::min(format.find(',', begin), format.size());
    try {
      cfg.output.formats.push_back(parse_output_format(format.substr(begin, comma - begin)));
    } catch (const std::exception& e) {
      return usage_error(e.what());
    }
    begin = comma + 1;
  }
  cfg.logging.level = options.quiet && log_level == "info" ? LogLevel::kWarn : parse_log_level(log_level);
  return options;
}

}  // namespace w2v2::app
