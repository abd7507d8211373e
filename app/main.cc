// w2v2 command line: parse flags, build the config, call the library, map errors to exit codes.
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <exception>
#include <iostream>

#include "cli_options.h"
#include "benchmark.h"
#include "common/error.h"
#include "common/logging.h"
#include "datasets/make_dataset.h"
#include "datasets/shard.h"
#include "output/transcript_merger.h"
#include "evaluation_report.h"
#include "exit_codes.h"
#include "lm/compile_language_model.h"
#include "metrics/transcript_file.h"
#include "output/collecting_writer.h"
#include "progress_bar.h"
#include "version.h"
#include "model/random_model_folder.h"
#include "output/make_transcript_writer.h"
#include "output/output_path_check.h"
#include "output/scoring_files.h"
#include "output/output_stream.h"
#include "transcriber.h"

namespace {

using w2v2::app::ExitCode;

int code(ExitCode c) { return static_cast<int>(c); }

// Pretty JSON with a final newline; bytes that are not UTF-8 (Latin-1 references, odd file names) become
// U+FFFD instead of failing the whole report.
template <typename Json>
std::string json_text(const Json& j) {
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

void log_summary(const w2v2::RunSummary& s) {
  spdlog::info("files: {} ok, {} failed; audio {:.1f} s ({:.1f} s transcribed by this run); wall {:.2f} s; "
               "real-time factor {:.2f}x", s.succeeded, s.failures.size(), s.audio_seconds, s.run_audio_seconds,
               s.wall_seconds, s.real_time_factor());
  const auto& p = s.pipeline;
  const double wall = s.wall_seconds > 0 ? s.wall_seconds : 1.0;
  spdlog::info("busy seconds: read {:.2f}, batch {:.3f}, device {:.2f} ({:.1f}% of wall), decode {:.3f}, write {:.3f}; "
               "device waited on host {:.3f} s; {} batches, padding waste {:.1f}%",
               p.read_seconds, p.batch_seconds, p.device_seconds, 100.0 * p.device_seconds / wall, p.decode_seconds,
               p.write_seconds, p.device_wait_seconds, p.batches, 100.0 * p.padding_waste);
  if (s.padding_check.checked > 0) {
    spdlog::info("padding check: {} padded utterances re-run alone; largest logit difference {:.3g}; {} transcript "
                 "differences",
                 s.padding_check.checked, s.padding_check.max_logit_difference,
                 s.padding_check.transcript_differences.size());
    for (const auto& id : s.padding_check.transcript_differences) spdlog::warn("padding changed the transcript of {}", id);
  }
  if (p.batch_splits > 0) spdlog::warn("{} failed batches were retried in halves", p.batch_splits);
  if (!s.failures.empty()) spdlog::error("failures ({}):", s.failures.size());
  for (const auto& f : s.failures) spdlog::error("  {} [{}] {}", f.path, w2v2::to_string(f.error_stage), f.error);
}

std::unique_ptr<w2v2::app::ProgressBar> make_progress_bar(const w2v2::app::CliOptions& options) {
  if (options.quiet || !::isatty(STDERR_FILENO)) return nullptr;
  return std::make_unique<w2v2::app::ProgressBar>();
}

// Refuses outputs that would destroy inputs or each other (see check_output_paths) before any work starts.
void check_paths(const w2v2::app::CliOptions& options, const std::vector<w2v2::Utterance>& inputs,
                 const std::vector<std::string>& more_inputs = {}) {
  std::vector<std::string> input_paths = options.inputs;
  input_paths.insert(input_paths.end(), more_inputs.begin(), more_inputs.end());
  for (const auto& u : inputs) input_paths.push_back(u.path);
  const auto& out = options.transcriber.output;
  std::vector<w2v2::NamedOutput> outputs{{"--output", out.path}, {"--trace", out.trace_path},
                                         {"--report", options.report_path}, {"--details", options.details_path}};
  if (!options.trn_dir.empty()) {
    for (const char* name : {"hyp.trn", "ref.trn"}) outputs.push_back({"--trn-dir", options.trn_dir + "/" + name});
  }
  w2v2::check_output_paths(outputs, out.journal_path, input_paths);
}

// The inputs of this process: all of them, or its shard's.
std::vector<w2v2::Utterance> list_inputs(const w2v2::app::CliOptions& options) {
  auto inputs = w2v2::make_dataset(options.inputs);
  if (inputs.empty()) throw w2v2::DatasetError("no audio files found in the given paths");
  if (options.shard.empty()) return inputs;
  const auto shard = w2v2::Shard::parse(options.shard);
  auto mine = shard.select(inputs);
  spdlog::info("shard {}: {} of {} inputs", shard.to_string(), mine.size(), inputs.size());
  return mine;
}

int run_merge(const w2v2::app::CliOptions& options) {
  const auto inputs = w2v2::make_dataset(options.inputs);
  check_paths(options, inputs, options.merge_parts);
  const auto& out = options.transcriber.output;
  auto writer = w2v2::make_transcript_writer(out.formats.front(), out.path);
  const w2v2::MergeReport report = w2v2::merge_transcripts(inputs, options.merge_parts, out.formats.front(), *writer);
  auto list = [](const std::vector<std::string>& ids) {
    std::string s;
    for (size_t i = 0; i < ids.size() && i < 10; ++i) s += (i ? ", " : "") + ids[i];
    return ids.size() > 10 ? s + ", ..." : s;
  };
  if (!report.missing.empty()) spdlog::error("{} inputs are in no part: {}", report.missing.size(), list(report.missing));
  if (!report.duplicates.empty()) {
    spdlog::error("{} ids appear more than once: {}", report.duplicates.size(), list(report.duplicates));
  }
  if (!report.unknown.empty()) spdlog::error("{} ids are not inputs: {}", report.unknown.size(), list(report.unknown));
  if (report.written > 0) spdlog::info("merged {} results from {} parts", report.written, options.merge_parts.size());
  if (!report.complete()) return code(ExitCode::kPartialFailure);
  return code(ExitCode::kOk);
}

int run_transcribe(const w2v2::app::CliOptions& options) {
  options.transcriber.validate();
  spdlog::info("{}", options.transcriber.to_string());
  const auto inputs = list_inputs(options);
  check_paths(options, inputs);
  w2v2::Transcriber transcriber(options.transcriber);
  auto writer = w2v2::make_transcript_writer(options.transcriber.output.formats, options.transcriber.output.path,
                                               options.transcriber.output.output_dir);
  auto bar = make_progress_bar(options);
  const w2v2::RunSummary summary = transcriber.transcribe(inputs, *writer, bar.get());
  log_summary(summary);
  return summary.failures.size() <= options.max_failures ? code(ExitCode::kOk) : code(ExitCode::kPartialFailure);
}

int run_eval(const w2v2::app::CliOptions& options) {
  options.transcriber.validate();
  spdlog::info("{}", options.transcriber.to_string());
  const auto inputs = list_inputs(options);
  check_paths(options, inputs);
  w2v2::require_unique_reference_ids(inputs);
  size_t with_reference = 0;
  for (const auto& u : inputs) with_reference += u.reference.has_value();
  if (with_reference == 0) {
    spdlog::error("no utterance has a reference text (use a LibriSpeech folder, a manifest with \"text\" or a Kaldi folder)");
    return code(ExitCode::kUsage);
  }
  w2v2::TranscriberConfig config = options.transcriber;
  config.scoring = options.scoring;  // WER/CER per utterance in the decode pool
  w2v2::Transcriber transcriber(config);
  std::unique_ptr<w2v2::TranscriptWriter> transcripts;
  if (!options.transcriber.output.path.empty() || !options.transcriber.output.output_dir.empty()) {
    transcripts = w2v2::make_transcript_writer(options.transcriber.output.formats, options.transcriber.output.path,
                                               options.transcriber.output.output_dir);
  }
  w2v2::CollectingWriter collector(transcripts.get());
  auto bar = make_progress_bar(options);
  const w2v2::RunSummary summary = transcriber.transcribe(inputs, collector, bar.get());
  log_summary(summary);
  const w2v2::ScoringReport scores = w2v2::score_results(inputs, collector.results(), options.scoring);
  std::cout << scores.summary_table() << std::flush;
  if (!options.report_path.empty()) {
    const auto report = w2v2::make_evaluation_report(scores, summary, options.transcriber, transcriber.decoding(),
                                                     std::string(W2V2_VERSION) + " (" + W2V2_GIT_COMMIT + ")");
    w2v2::write_output_file(options.report_path, json_text(report));
  }
  if (!options.details_path.empty()) w2v2::write_scoring_details(scores, options.details_path);
  if (!options.trn_dir.empty()) w2v2::write_trn_files(scores, options.trn_dir);
  if (options.tolerance >= 0 && scores.words.rate() > options.tolerance) {
    spdlog::error("WER {:.4f} exceeds the tolerance {:.4f}", scores.words.rate(), options.tolerance);
    return code(ExitCode::kToleranceExceeded);
  }
  return summary.failures.size() <= options.max_failures ? code(ExitCode::kOk) : code(ExitCode::kPartialFailure);
}

int run_score(const w2v2::app::CliOptions& options) {
  const auto refs = w2v2::read_transcript_file(options.score_ref);
  const auto hyps = w2v2::read_transcript_file(options.score_hyp);
  const w2v2::ScoringReport report = w2v2::score_transcripts(refs, hyps, options.scoring);
  for (const auto& id : report.missing_hypotheses) spdlog::warn("no hypothesis for '{}' (scored as empty)", id);
  for (const auto& id : report.missing_references) spdlog::warn("no reference for '{}' (not scored)", id);
  std::cout << (options.score_json ? json_text(report.to_json()) : report.summary_table()) << std::flush;
  const bool complete = report.missing_hypotheses.empty() && report.missing_references.empty();
  return complete ? code(ExitCode::kOk) : code(ExitCode::kPartialFailure);
}

int run_bench(const w2v2::app::CliOptions& options) {
  w2v2::BenchConfig config = options.bench;
  config.transcriber = options.transcriber;
  config.transcriber.logging = options.transcriber.logging;
  w2v2::Benchmark benchmark(config);
  const w2v2::BenchReport report = benchmark.run();
  std::cout << report.table() << std::flush;
  if (!config.json_path.empty()) {
    w2v2::write_output_file(config.json_path, json_text(report.to_json()));
    spdlog::info("wrote {}", config.json_path);
  }
  size_t failures = 0;
  for (const auto& c : report.cases) failures += c.failures;
  return failures == 0 ? code(ExitCode::kOk) : code(ExitCode::kPartialFailure);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const w2v2::app::CliOptions options = w2v2::app::parse_cli(argc, argv);
    if (options.exit_now) return options.exit_code;
    w2v2::init_logging(options.transcriber.logging);
    switch (options.command) {
      case w2v2::app::Command::kTranscribe: return run_transcribe(options);
      case w2v2::app::Command::kEval: return run_eval(options);
      case w2v2::app::Command::kScore: return run_score(options);
      case w2v2::app::Command::kRandomModel:
        w2v2::write_random_model_folder(options.random_config_dir, options.random_output_dir, options.random_seed);
        spdlog::info("wrote {}", options.random_output_dir);
        return code(ExitCode::kOk);
      case w2v2::app::Command::kBench: return run_bench(options);
      case w2v2::app::Command::kMerge: return run_merge(options);
      case w2v2::app::Command::kLmCompile:
        w2v2::compile_language_model(options.lm_compile_input, options.lm_compile_output);
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
  } catch (const w2v2::OutputError& e) {
    spdlog::error("{}", e.what());
    return code(ExitCode::kOutput);
  } catch (const std::exception& e) {
    spdlog::error("internal error: {}", e.what());
    return code(ExitCode::kInternal);
  }
}
