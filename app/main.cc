// w2v2 command line: parse flags, build the config, call the library, map errors to exit codes.
#include <spdlog/spdlog.h>

#include <exception>

#include "cli_options.h"
#include "common/error.h"
#include "common/logging.h"
#include "datasets/directory_dataset_reader.h"
#include "exit_codes.h"
#include "model/random_model_folder.h"
#include "output/make_transcript_writer.h"
#include "transcriber.h"

namespace {

using w2v2::app::ExitCode;

int code(ExitCode c) { return static_cast<int>(c); }

void log_summary(const w2v2::RunSummary& s) {
  spdlog::info("files: {} ok, {} failed; audio {:.1f} s; wall {:.2f} s; model {:.2f} s; real-time factor {:.2f}x",
               s.succeeded, s.failures.size(), s.audio_seconds, s.wall_seconds, s.model_seconds,
               s.real_time_factor());
  for (const auto& f : s.failures) spdlog::error("failed: {} [{}] {}", f.path, f.error_stage, f.error);
}

int run_transcribe(const w2v2::app::CliOptions& options) {
  options.transcriber.validate();
  spdlog::info("{}", options.transcriber.to_string());
  const auto inputs = w2v2::list_audio_files(options.inputs);
  if (inputs.empty()) {
    spdlog::error("no audio files found in the given paths");
    return code(ExitCode::kUsage);
  }
  w2v2::Transcriber transcriber(options.transcriber);
  auto writer = w2v2::make_transcript_writer(options.transcriber.output.format, options.transcriber.output.path);
  const w2v2::RunSummary summary = transcriber.transcribe(inputs, *writer);
  log_summary(summary);
  return summary.failures.empty() ? code(ExitCode::kOk) : code(ExitCode::kPartialFailure);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const w2v2::app::CliOptions options = w2v2::app::parse_cli(argc, argv);
    if (options.exit_now) return options.exit_code;
    w2v2::init_logging(options.transcriber.logging);
    switch (options.command) {
      case w2v2::app::Command::kTranscribe: return run_transcribe(options);
      case w2v2::app::Command::kRandomModel:
        w2v2::write_random_model_folder(options.random_config_dir, options.random_output_dir, options.random_seed);
        spdlog::info("wrote {}", options.random_output_dir);
        return code(ExitCode::kOk);
      case w2v2::app::Command::kNone: break;
    }
    return code(ExitCode::kUsage);
  } catch (const w2v2::ModelLoadError& e) {
    spdlog::error("{}", e.what());
    return code(ExitCode::kModelLoad);
  } catch (const w2v2::ConfigError& e) {
    spdlog::error("{}", e.what());
    return code(ExitCode::kConfig);
  } catch (const w2v2::DatasetError& e) {
    spdlog::error("{}", e.what());
    return code(ExitCode::kUsage);
  } catch (const std::exception& e) {
    spdlog::error("internal error: {}", e.what());
    return code(ExitCode::kInternal);
  }
}
