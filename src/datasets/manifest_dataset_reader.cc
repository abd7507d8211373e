#include "datasets/manifest_dataset_reader.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>

#include "common/error.h"

namespace w2v2 {
namespace fs = std::filesystem;

namespace {

std::string resolve(const fs::path& base, const std::string& path) {
  const fs::path p(path);
  return p.is_absolute() ? p.string() : (base / p).lexically_normal().string();
}

std::string stem_of(const std::string& id) {
  const fs::path p(id);
  const bool escapes = p.is_absolute() || p.lexically_normal().string().rfind("..", 0) == 0;
  return escapes ? p.stem().string() : (p.parent_path() / p.stem()).generic_string();
}

// "<key> <rest>" lines of a Kaldi table.
std::map<std::string, std::string> read_table(const fs::path& path, bool required) {
  std::map<std::string, std::string> table;
  std::ifstream in(path);
  if (!in.good()) {
    W2V2_CHECK_AS(DatasetError, !required, path.string(), ": cannot open");
    return table;
  }
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    const size_t split = line.find_first_of(" \t");
    const std::string key = line.substr(0, split);
    const size_t value_start = split == std::string::npos ? line.size() : line.find_first_not_of(" \t", split);
    const std::string value = value_start == std::string::npos ? "" : line.substr(value_start);
    W2V2_CHECK_AS(DatasetError, table.emplace(key, value).second, path.string(), ":", number, ": duplicate id '",
                  key, "'");
  }
  return table;
}

}  // namespace

std::vector<Utterance> read_manifest(const std::string& path) {
  std::ifstream in(path);
  W2V2_CHECK_AS(DatasetError, in.good(), path, ": cannot open");
  const fs::path base = fs::path(path).parent_path();
  std::vector<Utterance> utterances;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {
      throw DatasetError(path + ":" + std::to_string(number) + ": malformed JSON (" + e.what() + ")");
    }
    W2V2_CHECK_AS(DatasetError, j.is_object() && j.contains("audio_filepath") && j["audio_filepath"].is_string(),
                  path, ":", number, ": expected an object with a string \"audio_filepath\"");
    Utterance u;
    u.id = j["audio_filepath"].get<std::string>();
    u.path = resolve(base, u.id);
    u.output_stem = stem_of(u.id);
    if (j.contains("text")) {
      W2V2_CHECK_AS(DatasetError, j["text"].is_string(), path, ":", number, ": \"text\" must be a string");
      u.reference = j["text"].get<std::string>();
    }
    if (j.contains("speaker") && (j["speaker"].is_string() || j["speaker"].is_number())) {
      u.speaker = j["speaker"].is_string() ? j["speaker"].get<std::string>() : j["speaker"].dump();
    }
    u.index = utterances.size();
    utterances.push_back(std::move(u));
  }
  return utterances;
}

std::vector<Utterance> read_kaldi_dir(const std::string& dir) {
  const fs::path base(dir);
  const auto wav = read_table(base / "wav.scp", true);
  const auto text = read_table(base / "text", false);
  const auto spk = read_table(base / "utt2spk", false);
  for (const auto& [id, t] : text) {
    W2V2_CHECK_AS(DatasetError, wav.count(id), (base / "text").string(), ": id '", id, "' has no entry in wav.scp");
  }
  std::vector<Utterance> utterances;
  for (const auto& [id, path] : wav) {
    W2V2_CHECK_AS(DatasetError, !path.empty() && path.back() != '|', (base / "wav.scp").string(), ": '", id,
                  "': piped commands are not supported; give a file path");
    Utterance u;
    u.id = id;
    u.path = resolve(base, path);
    u.output_stem = id;
    if (auto it = text.find(id); it != text.end()) u.reference = it->second;
    if (auto it = spk.find(id); it != spk.end()) u.speaker = it->second;
    u.index = utterances.size();
    utterances.push_back(std::move(u));
  }
  return utterances;
}

}  // namespace w2v2
