#pragma once

#include <memory>
#include <string>

#include "output/transcript_writer.h"

namespace w2v2 {

// `path` "" or "-" writes to stdout.
std::unique_ptr<TranscriptWriter> make_transcript_writer(OutputFormat format, const std::string& path);

}  // namespace w2v2
