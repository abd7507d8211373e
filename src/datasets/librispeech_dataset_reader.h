#pragma once

#include <string>
#include <vector>

#include "datasets/utterance.h"

namespace w2v2 {

// LibriSpeech layout: <speaker>/<chapter>/<speaker>-<chapter>-<utt>.flac with <speaker>-<chapter>.trans.txt
// ("<utt-id> <TEXT>" lines). `root` may be LibriSpeech/, a split such as test-clean/, or one speaker's
// folder. Ids are the utterance ids; sorted by id. A transcript line whose audio file is missing or a
// malformed line throws DatasetError naming the file and line.
std::vector<Utterance> read_librispeech(const std::string& root);

bool looks_like_librispeech(const std::string& root);  // any *.trans.txt below root

}  // namespace w2v2
