#include "datasets/make_dataset.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <map>
#include <set>

#include "common/error.h"
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
      // Audio that no *.trans.txt lists (a LibriSpeech folder beside other recordings) is still an input:
      // transcribed, without a reference.
      // Keyed by folder and stem: a listed X.flac with a converted X.wav beside it is one utterance.
      auto key = [](const std::string& path) { return fs::path(path).lexically_normal().replace_extension().string(); };
      std::set<std::string> listed;
      for (const auto& u : part) listed.insert(key(u.path));
      size_t unlisted = 0;
      for (auto& u : list_audio_files({input})) {
        if (listed.count(key(u.path)) > 0) continue;
        part.push_back(std::move(u));
        ++unlisted;
      }
      if (unlisted > 0) {
        spdlog::warn("{}: {} audio file(s) are in no *.trans.txt; they are transcribed without a reference", input,
                     unlisted);
      }
    } else {
      part = list_audio_files({input});
    }
    for (auto& u : part) {
      u.index = all.size();
      all.push_back(std::move(u));
    }
  }
  make_ids_unique(all);
  make_output_stems_unique(all);
  return all;
}

void make_ids_unique(std::vector<Utterance>& utterances) {
  std::map<std::string, std::set<std::string>> paths_of_id;
  for (const auto& u : utterances) paths_of_id[u.id].insert(u.path);
  for (auto& u : utterances) {
    if (!u.reference && paths_of_id[u.id].size() > 1) u.id = u.path;
  }
}

namespace {

// A stem that stays inside the output folder: an absolute one, or one that climbs out with "..", keeps only
// its last component (Kaldi and LibriSpeech ids become stems as they are).
std::string contained_stem(const std::string& stem) {
  const fs::path normal = fs::path(stem).lexically_normal();
  const bool escapes = normal.is_absolute() || normal.has_root_name() || normal.empty() || *normal.begin() == ".." ||
                       normal == ".";
  if (!escapes) return normal.generic_string();
  const std::string last = normal.filename().string();
  return last.empty() || last == "." || last == ".." ? "_" : last;
}

}  // namespace

void make_output_stems_unique(std::vector<Utterance>& utterances) {
  for (auto& u : utterances) u.output_stem = contained_stem(u.output_stem);
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

void require_unique_reference_ids(const std::vector<Utterance>& utterances) {
  std::map<std::string, const Utterance*> seen;
  for (const auto& u : utterances) {
    if (!u.reference) continue;
    const auto [it, inserted] = seen.emplace(u.id, &u);
    if (!inserted) {
      throw DatasetError("utterance '" + u.id + "' is given twice (" + it->second->path + " and " + u.path +
                         "): its reference would be scored twice");
    }
  }
}

}  // namespace w2v2
