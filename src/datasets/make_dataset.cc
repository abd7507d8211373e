#include "datasets/make_dataset.h"

#include <filesystem>
#include <map>
#include <set>

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
  make_output_stems_unique(all);
  return all;
}

void make_output_stems_unique(std::vector<Utterance>& utterances) {
  std::map<std::string, size_t> count;
  for (const auto& u : utterances) ++count[u.output_stem];
  std::set<std::string> used;
  for (auto& u : utterances) {
    if (count[u.output_stem] > 1) u.output_stem += fs::path(u.path).extension().string();  // a.wav, a.flac
    std::string stem = u.output_stem;
    for (int k = 2; used.count(stem) > 0; ++k) stem = u.output_stem + "~" + std::to_string(k);  // a file given twice
    u.output_stem = stem;
    used.insert(stem);
  }
}

}  // namespace w2v2
