#include "cli_options.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <map>

#include "common/logging.h"
#include "exit_codes.h"
#include "output/transcript_writer.h"
#include "version.h"

namespace w2v2::app {

CliOptions parse_cli(int argc, char** argv) {
  CliOptions options;
  CLI::App app{"w2v2: batch speech recognition with Wav2Vec2 (CTC) models on LibTorch"};
  app.set_version_flag("--version", std::string(W2V2_VERSION) + " (" + W2V2_GIT_COMMIT + ")");
  app.require_subcommand(1);

  TranscriberConfig& cfg = options.transcriber;
  std::string format = "txt";
  std::string log_level = "info";

  CLI::App* transcribe = app.add_subcommand("transcribe", "Transcribe audio files and folders");
  transcribe->add_option("paths", options.inputs, "Audio files or folders (walked recursively)")
      ->required()
      ->group("Data");
  transcribe->add_option("-m,--model", cfg.model_dir, "Hugging Face Wav2Vec2ForCTC folder")
      ->capture_default_str()
      ->group("Model");
  transcribe->add_option("-t,--threads", cfg.runtime.threads, "Intra-op threads (0 = one per core)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1024))
      ->group("Runtime");
  transcribe->add_option("--channel", cfg.audio.channel, "Use this 0-based channel instead of the mean of all")
      ->check(CLI::Range(0, 255))
      ->group("Data");
  transcribe->add_option("-o,--output", cfg.output.path, "Output file (default: stdout)")->group("Output");
  transcribe->add_option("-f,--format", format, "Output format")
      ->capture_default_str()
      ->check(CLI::IsMember({"txt", "jsonl"}))
      ->group("Output");
  transcribe->add_option("--logits-dir", cfg.output.logits_dir,
                         "Write each utterance's logits as <stem>.npy, float32 (frames, vocab)")
      ->group("Output");
  CLI::App* random = app.add_subcommand(
      "random-model", "Write a model folder with random weights for a published config (benchmarks, tests)");
  random->add_option("--config", options.random_config_dir, "Folder with config.json and vocab.json")
      ->required()
      ->check(CLI::ExistingDirectory);
  random->add_option("-o,--output", options.random_output_dir, "Folder to write")->required();
  random->add_option("--seed", options.random_seed, "Random seed")->capture_default_str();

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
  if (random->parsed()) options.command = Command::kRandomModel;
  cfg.output.format = parse_output_format(format);
  cfg.logging.level = parse_log_level(log_level);
  return options;
}

}  // namespace w2v2::app
