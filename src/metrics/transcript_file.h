#pragma once

#include <map>
#include <string>

namespace w2v2 {

// Reads "<utt-id> <text>" lines (Kaldi text; a tab also separates) or sclite trn lines
// ("<TEXT> (<utt-id>)"); the format is detected per line. Duplicate ids throw DatasetError naming the
// file and line.
std::map<std::string, std::string> read_transcript_file(const std::string& path);

}  // namespace w2v2
