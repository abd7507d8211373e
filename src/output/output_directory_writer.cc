#include "output/output_directory_writer.h"

#include <filesystem>

#include "common/error.h"
#include "output/csv_writer.h"
#include "output/jsonl_writer.h"
#include "output/output_stream.h"
#include "output/subtitle_writer.h"

namespace w2v2 {
namespace fs = std::filesystem;

OutputDirectoryWriter::OutputDirectoryWriter(std::string dir, std::vector<OutputFormat> formats)
    : dir_(std::move(dir)), formats_(std::move(formats)) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  W2V2_CHECK_AS(OutputError, !ec, dir_, ": cannot create (", ec.message(), ")");
}

void OutputDirectoryWriter::write(const UtteranceResult& result) {
  if (result.status != UtteranceStatus::kOk) return;
  try {
    write_files(result);
  } catch (const std::exception& e) {  // a name too long for the file system, a bad character, a full quota
    throw ResultOutputError(e.what());
  }
}

void OutputDirectoryWriter::write_files(const UtteranceResult& result) const {
  const std::string stem = result.output_stem.empty() ? result.id : result.output_stem;
  const fs::path base = fs::path(dir_) / stem;
  std::error_code ec;
  fs::create_directories(base.parent_path(), ec);
  W2V2_CHECK_AS(OutputError, !ec, base.parent_path().string(), ": cannot create (", ec.message(), ")");
  for (OutputFormat format : formats_) {
    std::string ext = to_string(format);
    std::string content;
    switch (format) {
      case OutputFormat::kTxt: content = result.text + "\n"; break;
      case OutputFormat::kJsonl:
        ext = "json";
        content = JsonlWriter::record(result) + "\n";
        break;
      case OutputFormat::kCsv: content = CsvWriter::header() + CsvWriter::row(result); break;
      case OutputFormat::kSrt: content = to_srt(make_cues(result.words)); break;
      case OutputFormat::kVtt: content = to_vtt(make_cues(result.words)); break;
    }
    OutputStream out(fs::path(base).concat("." + ext).string());
    out.stream() << content;
    out.commit();
  }
}

}  // namespace w2v2
