#pragma once

#include <string>
#include <vector>

#include "datasets/utterance.h"

namespace w2v2 {

// Lists the audio files under the given paths. A file is taken as is (id: its path as given); a
// directory is walked recursively (symlinked directories are not followed, so loops cannot occur),
// keeping files with audio extensions, sorted by id (the path relative to that directory).
// Throws DatasetError for a path that does not exist.
std::vector<Utterance> list_audio_files(const std::vector<std::string>& paths);

}  // namespace w2v2
