#include "output/make_transcript_writer.h"

#include "common/error.h"
#include "output/csv_writer.h"
#include "output/jsonl_writer.h"
#include "output/output_directory_writer.h"
#include "output/plain_text_writer.h"

namespace w2v2 {

OutputFormat parse_output_format(const std::string& text) {
  if (text == "txt") return OutputFormat::kTxt;
  if (text == "jsonl") return OutputFormat::kJsonl;
  if (text == "csv") return OutputFormat::kCsv;
  if (text == "srt") return OutputFormat::kSrt;
  if (text == "vtt") return OutputFormat::kVtt;
  throw ConfigError("unknown output format '" + text + "' (choose txt, jsonl, csv, srt or vtt)");
}

std::string to_string(OutputFormat format) {
  switch (format) {
    case OutputFormat::kTxt: return "txt";
    case OutputFormat::kJsonl: return "jsonl";
    case OutputFormat::kCsv: return "csv";
    case OutputFormat::kSrt: return "srt";
    case OutputFormat::kVtt: return "vtt";
  }
  return "?";
}

std::unique_ptr<TranscriptWriter> make_transcript_writer(OutputFormat format, const std::string& path) {
  switch (format) {
    case OutputFormat::kTxt: return std::make_unique<PlainTextWriter>(path);
    case OutputFormat::kJsonl: return std::make_unique<JsonlWriter>(path);
    case OutputFormat::kCsv: return std::make_unique<CsvWriter>(path);
    case OutputFormat::kSrt:
    case OutputFormat::kVtt: break;
  }
  throw ConfigError(to_string(format) + " is a per-input format: use --output-dir");
}

std::unique_ptr<TranscriptWriter> make_transcript_writer(const std::vector<OutputFormat>& formats,
                                                         const std::string& path, const std::string& output_dir) {
  if (!output_dir.empty()) return std::make_unique<OutputDirectoryWriter>(output_dir, formats);
  W2V2_CHECK_AS(ConfigError, formats.size() == 1, "several output formats need --output-dir");
  return make_transcript_writer(formats.front(), path);
}

}  // namespace w2v2
