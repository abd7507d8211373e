#include "output/make_transcript_writer.h"

#include "common/error.h"
#include "output/jsonl_writer.h"
#include "output/plain_text_writer.h"

namespace w2v2 {

OutputFormat parse_output_format(const std::string& text) {
  if (text == "txt") return OutputFormat::kTxt;
  if (text == "jsonl") return OutputFormat::kJsonl;
  throw ConfigError("unknown output format '" + text + "' (choose txt or jsonl)");
}

std::string to_string(OutputFormat format) { return format == OutputFormat::kTxt ? "txt" : "jsonl"; }

std::unique_ptr<TranscriptWriter> make_transcript_writer(OutputFormat format, const std::string& path) {
  switch (format) {
    case OutputFormat::kTxt: return std::make_unique<PlainTextWriter>(path);
    case OutputFormat::kJsonl: return std::make_unique<JsonlWriter>(path);
  }
  throw ConfigError("unknown output format");
}

}  // namespace w2v2
