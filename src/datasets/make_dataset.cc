#include "datasets/make_dataset.h"

#include <filesystem>

#include "datasets/directory_dataset_reader.h"
#include "datasets/librispeech_dataset_reader.h"
#include "datasets/manifest_dataset_reader.h"

namespace w2v2 {
namespace fs = std::filesystem;

std::vector<Utterance> make_dataset(const std::vector<std::string>& inputs) {
  std::vector<Utterance> all;
  for (const auto& input : inputs) {
    std::vector<Utterance> part;
    const std::string ext = fs::path(input).extension().string();
    std::error_code ec;
    if (fs::is_regular_file(input, ec) && (ext == ".json" || ext == ".jsonl")) {
      part = read_manifest(input);
    } else if (fs::is_directory(input, ec) && fs::is_regular_file(fs::path(input) / "wav.scp", ec)) {
      part = read_kaldi_dir(input);
    } else if (looks_like_librispeech(input)) {
      part = read_librispeech(input);
    } else {
      part = list_audio_files({input});
    }
    for (auto& u : part) {
      u.index = all.size();
      all.push_back(std::move(u));
    }
  }
  return all;
}

}  // namespace w2v2
