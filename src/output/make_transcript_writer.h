#pragma once

#include <memory>
#include <string>
#include <vector>

#include "output/transcript_writer.h"

namespace w2v2 {

// `path` "" or "-" writes to stdout. txt, jsonl and csv only (srt and vtt are per-input formats).
std::unique_ptr<TranscriptWriter> make_transcript_writer(OutputFormat format, const std::string& path);

// With `output_dir`: one file per input and format under it (see OutputDirectoryWriter); otherwise the
// single combined format to `path`.
std::unique_ptr<TranscriptWriter> make_transcript_writer(const std::vector<OutputFormat>& formats,
                                                         const std::string& path, const std::string& output_dir);

}  // namespace w2v2
