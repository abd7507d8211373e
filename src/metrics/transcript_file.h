#pragma once

#include <map>
#include <string>

namespace w2v2 {

// Reads "<utt-id><TAB><text>" lines (what `transcribe` writes: ids may hold spaces), "<utt-id> <text>"
// lines (Kaldi text) or sclite trn lines ("<TEXT> (<utt-id>)"). The format is decided once per file: trn
// when every line is a trn line, else each line splits at its first tab, or at its first space when it has
// none. A line split at a tab has its id and text unescaped (unescape_line_field: `\t`, `\n`, `\r`, `\\`),
// as PlainTextWriter escapes them. Duplicate ids throw DatasetError naming the file and line.
std::map<std::string, std::string> read_transcript_file(const std::string& path);

}  // namespace w2v2
