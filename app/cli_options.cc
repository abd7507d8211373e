#include "cli_options.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <limits>
#include <optional>

#include "checkpoint/default_model.h"
#include "common/error.h"
#include "common/logging.h"
#include "datasets/shard.h"
#include "exit_codes.h"
#include "output/transcript_writer.h"
#include "engine/device.h"
#include "engine/precision.h"
#include "version.h"

// The command line maps flags onto the library's configs; the rules behind them (default journal paths,
// {shard} in paths, batch seconds in samples, the device's defaults) live in src/ (TranscriberConfig,
// OutputConfig::resolve_paths, PipelineConfig::resolve_for_device).
namespace w2v2::app {
namespace {

// Flags read as text and mapped onto the configs once the command line is parsed.
struct FlagText {
  std::string format = "txt";
  std::string merge_format;
  std::string log_level = "info";
  std::string normalization = "librispeech";
  std::string costs = "unit";
  std::string decoder = "auto";
  bool random_weights = false;
};

// The subcommands, to tell which one was given.
struct Commands {
  CLI::App* transcribe = nullptr;
  CLI::App* eval = nullptr;
  CLI::App* score = nullptr;
  CLI::App* random_model = nullptr;
  CLI::App* bench = nullptr;
  CLI::App* merge = nullptr;
};

// "on" / "off" -> a bool; help and errors read as CLI::IsMember({"on", "off"})'s.
CLI::Validator on_off() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        if (value == "on" || value == "off") {
          value = value == "on" ? "true" : "false";
          return {};
        }
        return value + " not in {on,off}";
      },
      "{on,off}");
}

CLI::Option* add_on_off_option(CLI::App* cmd, const std::string& name, bool& target, const std::string& help) {
  return cmd->add_option(name, target, help)->transform(on_off())->type_name("TEXT")->default_str(target ? "on" : "off");
}

// A list of on/off modes (bench --graph, --pipeline).
CLI::Option* add_on_off_list(CLI::App* cmd, const std::string& name, std::vector<bool>& target, const std::string& help) {
  std::string shown;
  for (bool b : target) shown += std::string(shown.empty() ? "" : ",") + (b ? "on" : "off");
  return cmd->add_option(name, target, help)
      ->delimiter(',')
      ->transform(on_off())
      ->type_name("TEXT")
      ->default_str("[" + shown + "]");
}

void add_device_option(CLI::App* cmd, RuntimeConfig& runtime) {
  cmd->add_option_function<std::string>(
         "--device",
         [&runtime](const std::string& text) {
           try {
             runtime.device = Device::parse(text);
           } catch (const ConfigError&) {
             throw CLI::ValidationError("--device", "expected cpu, cuda, cuda:N or auto");
           }
         },
         "cpu, cuda, cuda:N, or auto (CUDA when this build has it and a GPU is visible)")
      ->type_name("TEXT")
      ->default_str(runtime.device.to_string())
      ->group("Runtime");
}

Precision parse_precision_flag(const std::string& flag, const std::string& text) {
  try {
    return parse_precision(text);
  } catch (const ConfigError&) {
    throw CLI::ValidationError(flag, "expected " + precision_choices() + ", got '" + text + "'");
  }
}

// --precision, and --int8-weight-bits and --int8-ff-activation-bits beside it. Bench's --precision sets its one precision to time.
CLI::Option* add_precision_options(CLI::App* cmd, RuntimeConfig& runtime, std::vector<Precision>* bench_precisions) {
  CLI::Option* option =
      cmd->add_option_function<std::string>(
             "--precision",
             [&runtime, bench_precisions](const std::string& text) {
               runtime.precision = parse_precision_flag("--precision", text);
               if (bench_precisions) *bench_precisions = {runtime.precision};
             },
             "fp32; bf16 (matrix products and convolutions in bfloat16, norms and softmax in fp32; on the CPU fast "
             "only with AVX512-BF16 or AMX); CUDA only: tf32, fp16; CPU only: int8 (the transformer's linear "
             "layers and the feature projection multiply 8-bit integers through oneDNN)")
          ->type_name("TEXT")
          ->default_str(to_string(runtime.precision))
          ->group("Runtime");
  cmd->add_option("--int8-weight-bits", runtime.int8_weight_bits,
                  "int8: bits per quantized weight, 7 or 8 (0 = exact on this CPU: 8 with VNNI, 7 without, where "
                  "8-bit products can saturate)")
      ->capture_default_str()
      ->check(CLI::IsMember({0, 7, 8}))
      ->group("Runtime");
  cmd->add_option("--int8-ff-activation-bits", runtime.int8_ff_activation_bits,
                  "int8: bits of the feed-forward layers' activations, 16 (two u8 passes: closer to fp32) or 8 "
                  "(one: faster); 0 = for this CPU: 16 with VNNI, 8 without")
      ->capture_default_str()
      ->check(CLI::IsMember({0, 8, 16}))
      ->group("Runtime");
  return option;
}

void add_memory_option(CLI::App* cmd, RuntimeConfig& runtime) {
  add_on_off_option(cmd, "--keep-host-memory", runtime.keep_host_memory,
                    "on: reuse freed activation memory across batches (glibc malloc tuned once per process); "
                    "off: the allocator's defaults")
      ->group("Runtime");
}

void add_threads_option(CLI::App* cmd, RuntimeConfig& runtime) {
  cmd->add_option("-t,--threads", runtime.threads, "Intra-op threads (0 = one per core)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1024))
      ->group("Runtime");
}

void add_model_option(CLI::App* cmd, TranscriberConfig& cfg) {
  cmd->add_option("-m,--model", cfg.model_dir,
                  "Hugging Face Wav2Vec2ForCTC folder (default: $W2V2_MODEL, else models/default, else the installed "
                  "share/w2v2/models/default)")
      ->group("Model");
}

// transcribe and eval: the inputs, the model, and where the results go.
void add_input_output_options(CLI::App* cmd, CliOptions& options, FlagText& text) {
  TranscriberConfig& cfg = options.transcriber;
  cmd->add_option("paths", options.inputs,
                  "Audio files or folders, LibriSpeech folders, NeMo manifests (.json/.jsonl), Kaldi data folders")
      ->required()
      ->group("Data");
  add_model_option(cmd, cfg);
  add_threads_option(cmd, cfg.runtime);
  add_device_option(cmd, cfg.runtime);
  add_precision_options(cmd, cfg.runtime, nullptr);
  cmd->add_option("--channel", cfg.audio.channel, "Use this 0-based channel instead of the mean of all")
      ->check(CLI::Range(0, 255))
      ->group("Data");
  cmd->add_option("--audio-stream", cfg.audio.audio_stream,
                  "Read this 0-based audio stream of each file (containers with several, e.g. MKV/MP4; default: "
                  "FFmpeg's best one)")
      ->check(CLI::Range(0, 1023))
      ->group("Data");
  cmd->add_option("-o,--output", cfg.output.path, "Transcript file (default: stdout for transcribe, none for eval)")
      ->group("Output");
  cmd->add_option("-f,--format", text.format,
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
  cmd->add_flag("--resume", cfg.output.resume, "Continue an interrupted run from its journal: finished inputs are skipped")
      ->group("Output");
  cmd->add_option("--output-dir", cfg.output.output_dir,
                  "One file per input and format, mirroring the inputs: DIR/<relative path>.<ext>")
      ->group("Output");
}

// Padded audio per batch, readers, decode threads and the padding cut: the same for transcribe, eval and bench.
void add_batching_and_threads(CLI::App* cmd, PipelineConfig& p) {
  cmd->add_option("--max-batch-seconds", p.batching.max_batch_seconds,
                  "Most padded audio per batch, batch size x longest (0 = for the device: 60 on CPU, 320 on CUDA)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 36000.0))
      ->group("Runtime");
  cmd->add_option("--readers", p.reader_threads,
                  "Audio reader threads (0 = for the device: 1 on CPU, half the cores, 2..8, on CUDA)")
      ->capture_default_str()
      ->check(CLI::Range(0, 256))
      ->group("Runtime");
  cmd->add_option("--decode-threads", p.decode_threads, "CTC decoding threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 256))
      ->group("Runtime");
  cmd->add_option("--max-padding", p.batching.max_padding_fraction,
                  "Start a new batch where an utterance is shorter than (1 - this) x the batch's longest")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0))
      ->group("Runtime");
}

// transcribe and eval: how the work runs.
void add_runtime_options(CLI::App* cmd, TranscriberConfig& cfg) {
  add_on_off_option(cmd, "--pipeline", cfg.pipeline.enabled,
                    "on: overlapped stages; off: the same stages one after another, for comparison")
      ->group("Runtime");
  add_on_off_option(cmd, "--graph", cfg.runtime.graph,
                    "on: replay a captured graph per shape bucket (CPU: traced, frozen TorchScript; CUDA: CUDA "
                    "graphs); off: eager")
      ->group("Runtime");
  add_memory_option(cmd, cfg.runtime);
  PipelineConfig& p = cfg.pipeline;
  cmd->add_option("--batch-size", p.batching.max_batch_size,
                  "Most utterances per batch (0 = for the device: 1 on CPU, 16 on CUDA)")
      ->capture_default_str()
      ->check(CLI::Range(0, 4096))
      ->group("Runtime");
  add_batching_and_threads(cmd, p);
  cmd->add_option("--chunk-seconds", p.chunking.chunk_seconds,
                  "Split longer files into overlapping chunks of this length (0 = never)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 3600.0))
      ->group("Runtime");
  cmd->add_option("--stride-seconds", p.chunking.stride_seconds, "Context on each side of a chunk whose logits are dropped")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1800.0))
      ->group("Runtime");
  cmd->add_flag("--reproducible-batches", p.reproducible_batches,
                "GPU: batch full windows only (as on the CPU), so batches and logits repeat run to run")
      ->group("Runtime");
  cmd->add_option("--check-padding", p.check_padding,
                  "Re-run this many zero-padded utterances alone; report the largest logit difference")
      ->group("Runtime");
}

void add_diagnostic_outputs(CLI::App* cmd, OutputConfig& output) {
  cmd->add_option("--trace", output.trace_path, "Write a Chrome trace-event JSON of the run (Perfetto)")->group("Output");
  cmd->add_option("--logits-dir", output.logits_dir, "Write each utterance's logits as <stem>.npy, float32 (frames, vocab)")
      ->group("Output");
}

// "none" or an existing file (CLI::ExistingFile's message otherwise).
CLI::Validator file_or_none() {
  return CLI::Validator(
      [](std::string& value) -> std::string { return value == "none" ? std::string() : CLI::ExistingFile(value); },
      "FILE|none");
}

// transcribe, eval and bench: how transcripts are decoded (DecodingConfig; resolved against the model folder
// by the Transcriber, which reads language_model/attrs.json for the weights left unset here).
void add_decoding_options(CLI::App* cmd, DecodingConfig& d, FlagText& text) {
  const char* group = "Decoding";
  cmd->add_option("--decoder", text.decoder,
                  "auto: beam search when there is a language model (--lm or the model's language_model/), a lexicon "
                  "or hotwords, else greedy")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "greedy", "beam"}))
      ->group(group);
  cmd->add_option("--beam-size", d.beam.beam_size, "Hypotheses kept per frame")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 20))
      ->group(group);
  cmd->add_option("--nbest", d.beam.nbest, "Transcripts per input; > 1: JSONL records get \"alternatives\"")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000))
      ->group(group);
  cmd->add_option("--beam-threshold", d.beam.beam_threshold,
                  "Drop hypotheses scoring this far (natural log) below the frame's best (0 = off)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e9))
      ->group(group);
  cmd->add_option("--token-min-log-prob", d.beam.token_min_log_prob,
                  "Per frame, units below this log-probability do not extend hypotheses")
      ->capture_default_str()
      ->check(CLI::Range(-std::numeric_limits<float>::infinity(), 0.0f))
      ->group(group);
  cmd->add_option("--lm", d.lm,
                  "Word n-gram LM (.arpa, .arpa.gz, .w2lm), or none (default: the model's language_model/ when it "
                  "has one)")
      ->check(file_or_none())
      ->group(group);
  auto optional_number = [&](const std::string& name, std::optional<double>& target, const std::string& help,
                             const CLI::Validator& range) {
    cmd->add_option_function<double>(name, [&target](double v) { target = v; }, help)
        ->type_name("FLOAT")
        ->check(range)
        ->group(group);
  };
  optional_number("--lm-weight", d.lm_weight, "Alpha: weight of the LM log-probability (default: attrs.json, else 0.5)",
                  CLI::Range(0.0, 1e6));
  optional_number("--word-score", d.word_score, "Beta: score added per word (default: attrs.json, else 1.0)",
                  CLI::Range(-1e6, 1e6));
  optional_number("--unk-score-offset", d.unk_score_offset,
                  "Score added per word the LM does not know (default: attrs.json, else -10)", CLI::Range(-1e6, 0.0));
  cmd->add_option("--lexicon", d.lexicon, "Only these words (one per line; default: any word)")
      ->check(CLI::ExistingFile)
      ->group(group);
  cmd->add_option("--hotwords", d.hotwords, "Boost these words and phrases ('phrase [boost]' per line)")
      ->check(CLI::ExistingFile)
      ->group(group);
  cmd->add_option("--hotword-boost", d.hotword_boost, "Boost (natural log) of a hotword line that gives none")
      ->capture_default_str()
      ->check(CLI::Range(-1e6, 1e6))
      ->group(group);
}

void add_transcription_options(CLI::App* cmd, CliOptions& options, FlagText& text) {
  add_input_output_options(cmd, options, text);
  add_runtime_options(cmd, options.transcriber);
  add_decoding_options(cmd, options.transcriber.decoding, text);
  add_diagnostic_outputs(cmd, options.transcriber.output);
}

void add_scoring_options(CLI::App* cmd, FlagText& text) {
  cmd->add_option("--normalize", text.normalization, "Text normalization before scoring")
      ->capture_default_str()
      ->check(CLI::IsMember({"librispeech", "basic", "none"}))
      ->group("Scoring");
  cmd->add_option("--costs", text.costs, "Edit costs: unit (Kaldi, jiwer) or sclite (sub 4, ins/del 3)")
      ->capture_default_str()
      ->check(CLI::IsMember({"unit", "sclite"}))
      ->group("Scoring");
}

CLI::App* add_eval_command(CLI::App& app, CliOptions& options, FlagText& text) {
  CLI::App* eval = app.add_subcommand("eval", "Transcribe a corpus with references and score WER/CER");
  add_transcription_options(eval, options, text);
  add_scoring_options(eval, text);
  eval->add_option("--report", options.report_path, "JSON report")->group("Output");
  eval->add_option("--details", options.details_path, "Per-utterance JSONL with the aligned edit operations")
      ->group("Output");
  eval->add_option("--trn-dir", options.trn_dir, "Write sclite hyp.trn and ref.trn here")->group("Output");
  eval->add_option("--tolerance", options.tolerance, "Exit with code 6 when WER (0..1) exceeds this")
      ->check(CLI::Range(0.0, 1.0))
      ->group("Scoring");
  return eval;
}

CLI::App* add_score_command(CLI::App& app, CliOptions& options, FlagText& text) {
  CLI::App* score = app.add_subcommand("score", "Score existing hypotheses against references (no model)");
  score->add_option("--ref", options.score_ref, "References: '<id> <text>' lines or a trn file")
      ->required()
      ->check(CLI::ExistingFile);
  score->add_option("--hyp", options.score_hyp, "Hypotheses: '<id> <text>' lines or a trn file")
      ->required()
      ->check(CLI::ExistingFile);
  score->add_flag("--json", options.score_json, "Print the JSON report instead of the table");
  add_scoring_options(score, text);
  return score;
}

CLI::App* add_random_model_command(CLI::App& app, CliOptions& options) {
  CLI::App* random = app.add_subcommand(
      "random-model", "Write a model folder with random weights for a published config (benchmarks, tests)");
  random->add_option("--config", options.random_config_dir, "Folder with config.json and vocab.json")
      ->required()
      ->check(CLI::ExistingDirectory);
  random->add_option("-o,--output", options.random_output_dir, "Folder to write")->required();
  random->add_option("--seed", options.random_seed, "Random seed")->capture_default_str();
  return random;
}

// bench: what to run and which modes to cross.
void add_bench_inputs_and_modes(CLI::App* cmd, CliOptions& options, FlagText& text) {
  BenchConfig& bench = options.bench;
  cmd->add_option("paths", bench.inputs, "Audio files, folders or corpora (default: synthetic audio)")->group("Data");
  add_model_option(cmd, options.transcriber);
  cmd->add_option("--config", bench.random_config, "config.json (or its folder) of the architecture to time")
      ->check(CLI::ExistingPath)
      ->group("Model");
  cmd->add_flag("--random-weights", text.random_weights, "With --config: random weights of that architecture")
      ->group("Model");
  cmd->add_option("--seed", bench.seed, "Seed of random weights and synthetic audio")->capture_default_str();
  cmd->add_option("--durations", bench.durations, "Synthetic file lengths in seconds, cycled")
      ->delimiter(',')
      ->capture_default_str()
      ->group("Data");
  cmd->add_option("--count", bench.count, "Synthetic files (with real paths: the first N, 0 = all)")
      ->capture_default_str()
      ->check(CLI::Range(0, 10000000))
      ->group("Data");
  cmd->add_option("--audio-dir", bench.audio_dir, "Write (and keep) the synthetic audio here")->group("Data");
  cmd->add_option("--batch-sizes", bench.batch_sizes, "Batch sizes to time")
      ->delimiter(',')
      ->capture_default_str()
      ->group("Modes");
  add_on_off_list(cmd, "--graph", bench.graph_modes, "Graph capture modes to time (on, off)")->group("Modes");
  add_on_off_list(cmd, "--pipeline", bench.pipeline_modes, "Pipeline modes to time (on, off)")->group("Modes");
  CLI::Option* precisions =
      cmd->add_option_function<std::vector<std::string>>(
             "--precisions",
             [&bench](const std::vector<std::string>& list) {
               bench.precisions.clear();
               for (const std::string& text : list) bench.precisions.push_back(parse_precision_flag("--precisions", text));
             },
             "Precisions to time (fp32, tf32, bf16, fp16, int8: those this device runs)")
          ->delimiter(',')
          ->type_name("TEXT")
          ->default_str("[fp32]")
          ->group("Modes");
  add_precision_options(cmd, options.transcriber.runtime, &bench.precisions)->excludes(precisions);
}

// bench: the runtime settings every case shares, and how often to run.
void add_bench_runtime(CLI::App* cmd, CliOptions& options) {
  TranscriberConfig& cfg = options.transcriber;
  add_threads_option(cmd, cfg.runtime);
  add_device_option(cmd, cfg.runtime);
  add_memory_option(cmd, cfg.runtime);
  add_batching_and_threads(cmd, cfg.pipeline);
  BenchConfig& bench = options.bench;
  cmd->add_option("--warmup", bench.warmup, "Untimed model-only passes over every batch shape")
      ->capture_default_str()
      ->check(CLI::Range(0, 100));
  cmd->add_option("--repeat", bench.repeat, "Timed runs of each case (medians reported)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  cmd->add_option("--json", bench.json_path, "Write the JSON report here")->group("Output");
}

CLI::App* add_bench_command(CLI::App& app, CliOptions& options, FlagText& text) {
  CLI::App* bench = app.add_subcommand(
      "bench", "Measure throughput, latency and pipeline overhead on real files or synthetic audio");
  add_bench_inputs_and_modes(bench, options, text);
  add_bench_runtime(bench, options);
  add_decoding_options(bench, options.transcriber.decoding, text);
  return bench;
}

CLI::App* add_merge_command(CLI::App& app, CliOptions& options, FlagText& text) {
  CLI::App* merge = app.add_subcommand("merge", "Join the outputs of --shard runs in input order; check none is missing");
  merge->add_option("paths", options.inputs, "The inputs the shards were given")->required();
  merge->add_option("--parts", options.merge_parts, "Shard outputs (txt or jsonl)")->required()->check(CLI::ExistingFile);
  merge->add_option("-o,--output", options.transcriber.output.path, "Merged file (default: stdout)");
  merge->add_option("-f,--format", text.merge_format, "txt or jsonl (default: from the parts' extension)")
      ->check(CLI::IsMember({"txt", "jsonl"}));
  return merge;
}

CLI::App* add_lm_compile_command(CLI::App& app, CliOptions& options) {
  CLI::App* lm = app.add_subcommand("lm-compile", "Compile an ARPA language model (.arpa, .arpa.gz) into the memory-mapped .w2lm form (a .w2lm input is checked and copied)");
  lm->add_option("input", options.lm_compile_input, "The ARPA file (plain or gzip'ed) or a .w2lm file")->required()->check(CLI::ExistingFile);
  lm->add_option("-o,--output", options.lm_compile_output, "The .w2lm file to write")->required();
  return lm;
}

void add_global_options(CLI::App& app, CliOptions& options, FlagText& text) {
  app.add_flag("-q,--quiet", options.quiet, "No progress bar; log warnings and errors only");
  app.add_option("--log-level", text.log_level, "trace, debug, info, warn, error or off")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
}

Command parsed_command(const Commands& c) {
  if (c.merge->parsed()) return Command::kMerge;
  if (c.bench->parsed()) return Command::kBench;
  if (c.random_model->parsed()) return Command::kRandomModel;
  if (c.score->parsed()) return Command::kScore;
  if (c.eval->parsed()) return Command::kEval;
  if (c.transcribe->parsed()) return Command::kTranscribe;
  return Command::kNone;
}

// "txt,jsonl" -> the formats; throws ConfigError on an unknown one.
std::vector<OutputFormat> parse_output_formats(const std::string& list) {
  std::vector<OutputFormat> formats;
  for (size_t begin = 0; begin <= list.size();) {
    const size_t comma = std::min(list.find(',', begin), list.size());
    formats.push_back(parse_output_format(list.substr(begin, comma - begin)));
    begin = comma + 1;
  }
  return formats;
}

// bench: the flag combinations CLI11 cannot check, and the report's provenance.
void finish_bench(CliOptions& options, const FlagText& text, int argc, char** argv) {
  BenchConfig& bench = options.bench;
  if (!bench.random_config.empty() && !text.random_weights) {
    throw ConfigError("bench: --config needs --random-weights (published weights are not available here)");
  }
  if (text.random_weights && bench.random_config.empty()) {
    throw ConfigError("bench: --random-weights needs --config CONFIG.json");
  }
  std::string command_line = "w2v2";
  for (int i = 1; i < argc; ++i) command_line += std::string(" ") + argv[i];
  bench.command_line = command_line;
  bench.version = std::string(W2V2_VERSION) + " (" + W2V2_GIT_COMMIT + ")";
}

// Maps the text flags onto the configs and applies the library's path rules; throws ConfigError (a usage
// error) on a bad value.
void finish(CliOptions& options, const FlagText& text, int argc, char** argv) {
  TranscriberConfig& cfg = options.transcriber;
  options.scoring.normalization = parse_text_normalization(text.normalization);
  options.scoring.costs = text.costs == "sclite" ? EditCosts::sclite() : EditCosts::unit();
  std::string format = text.format;
  if (options.command == Command::kMerge) {
    format = text.merge_format;
    if (format.empty()) {
      format = std::filesystem::path(options.merge_parts.front()).extension() == ".jsonl" ? "jsonl" : "txt";
    }
  }
  std::optional<Shard> shard;
  if (!options.shard.empty()) {
    shard = Shard::parse(options.shard);
    options.shard = shard->to_string();
  }
  cfg.output.resolve_paths(shard ? &*shard : nullptr);
  if (options.command == Command::kBench) finish_bench(options, text, argc, argv);
  cfg.output.formats = parse_output_formats(format);
  W2V2_CHECK_AS(ConfigError, parse_decoder_kind(text.decoder, cfg.decoding.decoder), "--decoder ", text.decoder,
                ": not auto, greedy or beam");
  cfg.decoding.validate();  // what CLI11's checks cannot see (NaN) is a usage error too
  if (cfg.model_dir.empty()) cfg.model_dir = default_model_dir();  // "" still: the Transcriber says where it looked
  cfg.logging.level = options.quiet && text.log_level == "info" ? LogLevel::kWarn : parse_log_level(text.log_level);
}

}  // namespace

CliOptions parse_cli(int argc, char** argv) {
  CliOptions options;
  CLI::App app{"w2v2: batch speech recognition with Wav2Vec2 (CTC) models on LibTorch"};
  app.set_version_flag("--version", std::string(W2V2_VERSION) + " (" + W2V2_GIT_COMMIT + ")");
  app.require_subcommand(1);
  app.fallthrough();  // global options (--log-level) may follow the subcommand

  // Batch size, padded audio per batch and readers default to 0 = chosen for the device (see
  // PipelineConfig::resolve_for_device): one at a time and one reader on the CPU, larger on a GPU.
  TranscriberConfig& cfg = options.transcriber;
  cfg.pipeline.batching.max_batch_size = 0;
  cfg.pipeline.batching.max_batch_seconds = 0.0;
  cfg.pipeline.reader_threads = 0;

  FlagText text;
  Commands commands;
  commands.transcribe = app.add_subcommand("transcribe", "Transcribe audio files and folders");
  add_transcription_options(commands.transcribe, options, text);
  commands.eval = add_eval_command(app, options, text);
  commands.score = add_score_command(app, options, text);
  commands.random_model = add_random_model_command(app, options);
  commands.bench = add_bench_command(app, options, text);
  commands.merge = add_merge_command(app, options, text);
  CLI::App* lm_compile = add_lm_compile_command(app, options);
  add_global_options(app, options, text);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    options.exit_now = true;
    const int code = app.exit(e);
    options.exit_code = code == 0 ? 0 : static_cast<int>(ExitCode::kUsage);
    return options;
  }
  options.command = lm_compile->parsed() ? Command::kLmCompile : parsed_command(commands);
  try {
    finish(options, text, argc, argv);
  } catch (const std::exception& e) {  // a usage error found after parsing: printed here, exit code 2
    std::cerr << e.what() << "\n";
    options.exit_now = true;
    options.exit_code = static_cast<int>(ExitCode::kUsage);
  }
  return options;
}

}  // namespace w2v2::app
