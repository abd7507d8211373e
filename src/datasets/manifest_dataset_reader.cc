#include "datasets/manifest_dataset_reader.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>

#include "common/error.h"
#include "common/json_limits.h"
#include "common/line_reader.h"

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
  std::error_code ec;
  if (!required && !fs::exists(path, ec)) return table;
  LineReader in(path.string());  // a regular file only: never a FIFO or /dev/zero
  std::string line;
  while (in.next(line)) {
    const int number = in.line_number();
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
  LineReader in(path);  // a regular file only; a NUL byte in a line is refused there
  const fs::path base = fs::path(path).parent_path();
  std::vector<Utterance> utterances;
  std::string line;
  while (in.next(line)) {
    const int number = in.line_number();
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const nlohmann::json j = parse_json_bounded<DatasetError>(line, path + ":" + std::to_string(number));
    W2V2_CHECK_AS(DatasetError, j.is_object() && j.contains("audio_filepath") && j["audio_filepath"].is_string(),
                  path, ":", number, ": expected an object with a string \"audio_filepath\"");
    Utterance u;
    u.id = j["audio_filepath"].get<std::string>();
    W2V2_CHECK_AS(DatasetError, u.id.find('\0') == std::string::npos, path, ":", number,
                  ": \"audio_filepath\" holds a NUL character (\\u0000); refused");
    u.path = resolve(base, u.id);
    u.output_stem = stem_of(u.id);
    if (j.contains("text")) {
      W2V2_CHECK_AS(DatasetError, j["text"].is_string(), path, ":", number, ": \"text\" must be a string");
      u.reference = j["text"].get<std::string>();
      W2V2_CHECK_AS(DatasetError, u.reference->find('\0') == std::string::npos, path, ":", number,
                    ": \"text\" holds a NUL character (\\u0000); refused");
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
