#include "datasets/librispeech_dataset_reader.h"

#include <algorithm>
#include <filesystem>

#include "common/error.h"
#include "common/line_reader.h"

namespace w2v2 {
namespace fs = std::filesystem;

namespace {
bool is_transcript(const fs::path& p) {
  const std::string name = p.filename().string();
  return name.size() > 10 && name.compare(name.size() - 10, 10, ".trans.txt") == 0;
}
}  // namespace

bool looks_like_librispeech(const std::string& root) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return false;
  for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec)) {
    if (is_transcript(it->path())) return true;
  }
  return false;
}

std::vector<Utterance> read_librispeech(const std::string& root) {
  std::error_code ec;
  W2V2_CHECK_AS(DatasetError, fs::is_directory(root, ec), root, ": not a directory");
  std::vector<Utterance> utterances;
  for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec)) {
    if (!is_transcript(it->path())) continue;
    const fs::path transcript = it->path();
    LineReader in(transcript.string());  // a regular file only: never a FIFO or /dev/zero
    std::string line;
    while (in.next(line)) {
      const int number = in.line_number();
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find_first_not_of(" \t") == std::string::npos) continue;
      const size_t space = line.find(' ');
      W2V2_CHECK_AS(DatasetError, space != std::string::npos && space > 0, transcript.string(), ":", number,
                    ": expected '<utterance-id> <TEXT>'");
      const std::string id = line.substr(0, space);
      fs::path audio;
      for (const char* ext : {".flac", ".wav"}) {
        if (fs::exists(transcript.parent_path() / (id + ext), ec)) audio = transcript.parent_path() / (id + ext);
      }
      W2V2_CHECK_AS(DatasetError, !audio.empty(), transcript.string(), ":", number, ": audio for '", id,
                    "' not found (", id, ".flac)");
      Utterance u;
      u.id = id;
      u.path = audio.string();
      const fs::path relative = audio.lexically_relative(root);
      u.output_stem = (relative.parent_path() / relative.stem()).generic_string();
      u.reference = line.substr(space + 1);
      u.speaker = id.substr(0, id.find('-'));
      utterances.push_back(std::move(u));
    }
  }
  W2V2_CHECK_AS(DatasetError, !ec, root, ": cannot list (", ec.message(), ")");
  std::sort(utterances.begin(), utterances.end(), [](const Utterance& a, const Utterance& b) { return a.id < b.id; });
  for (size_t i = 0; i < utterances.size(); ++i) utterances[i].index = i;
  return utterances;
}

}  // namespace w2v2
