#pragma once

#include <string>
#include <vector>

#include "datasets/utterance.h"

namespace w2v2 {

// NeMo JSONL manifest: one object per line with "audio_filepath", optional "text", "duration" and
// "speaker". Relative paths resolve against the manifest's folder. The id is the audio path as written.
// A malformed line throws DatasetError with the line number.
std::vector<Utterance> read_manifest(const std::string& path);

// Kaldi data folder: wav.scp ("<utt-id> <path>"), optional text ("<utt-id> <text>") and utt2spk.
// Piped commands in wav.scp are rejected. Ids missing from wav.scp but present in text are an error.
std::vector<Utterance> read_kaldi_dir(const std::string& dir);

}  // namespace w2v2
