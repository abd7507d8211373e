#include "model/random_model_folder.h"

#include <torch/torch.h>

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "checkpoint/wav2vec2_config.h"
#include "common/error.h"
#include "model/checkpoint_reader.h"
#include "model/wav2vec2_weights.h"

namespace w2v2 {
namespace fs = std::filesystem;
namespace {

constexpr uint64_t kMiB = 1ull << 20;

// MemAvailable of /proc/meminfo in bytes; 0 when it cannot be read.
uint64_t available_memory() {
  std::ifstream meminfo("/proc/meminfo");
  for (std::string line; std::getline(meminfo, line);) {
    std::istringstream fields(line);
    std::string key;
    uint64_t kib = 0;
    if (fields >> key >> kib && key == "MemAvailable:") return kib * 1024;
  }
  return 0;
}

// A new, empty folder beside `target` (same file system, so it can be renamed onto it).
fs::path make_sibling_folder(const fs::path& target, const char* tag) {
  std::random_device entropy;
  for (int attempt = 0; attempt < 100; ++attempt) {
    const fs::path candidate = target.parent_path() / ("." + target.filename().string() + tag +
                                                       std::to_string(::getpid()) + "-" + std::to_string(entropy()));
    std::error_code ec;
    if (fs::create_directory(candidate, ec)) return candidate;
    W2V2_CHECK_AS(OutputError, !ec || ec == std::errc::file_exists, candidate.string(), ": cannot create (",
                  ec.message(), ")");
  }
  throw OutputError(target.string() + ": cannot create a temporary folder beside it");
}

// Removes the temporary folder unless it was renamed into place.
struct TemporaryFolder {
  fs::path path;
  ~TemporaryFolder() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

void copy_config_files(const fs::path& src, const fs::path& dst) {
  std::error_code ec;
  for (const char* name : {"config.json", "vocab.json", "preprocessor_config.json", "special_tokens_map.json"}) {
    if (!fs::is_regular_file(src / name)) continue;
    fs::copy_file(src / name, dst / name, fs::copy_options::overwrite_existing, ec);
    W2V2_CHECK_AS(OutputError, !ec, (dst / name).string(), ": cannot write (", ec.message(), ")");
    fs::permissions(dst / name, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::add,
                    ec);  // a read-only source (e.g. a packaged config) must not give a read-only copy
    W2V2_CHECK_AS(OutputError, !ec, (dst / name).string(), ": cannot make writable (", ec.message(), ")");
  }
}

}  // namespace

void write_random_model_folder(const std::string& config_dir, const std::string& out_dir, uint64_t seed) {
  const fs::path src(config_dir);
  const auto config = Wav2Vec2Config::from_file((src / "config.json").string());
  W2V2_CHECK_AS(ConfigError, fs::is_regular_file(src / "vocab.json"), config_dir, ": vocab.json is missing");

  // The weights are held three times while writing: the state dict, the writer's copy and the file image.
  const uint64_t weights = static_cast<uint64_t>(config.parameter_count()) * sizeof(float);
  const uint64_t needed = 3 * weights + 64 * kMiB;
  const uint64_t available = available_memory();
  W2V2_CHECK_AS(ConfigError, available == 0 || needed <= available, (src / "config.json").string(),
                ": a model of ", config.parameter_count(), " weights needs about ", needed / kMiB,
                " MiB of memory to write, more than the ", available / kMiB, " MiB available");

  fs::path target(out_dir);
  if (!target.has_filename()) target = target.parent_path();  // "out/" names "out"
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(target, ec);
  W2V2_CHECK_AS(OutputError, !fs::exists(status) || fs::is_directory(status), out_dir,
                ": exists and is not a folder");
  if (!target.parent_path().empty()) {
    fs::create_directories(target.parent_path(), ec);
    W2V2_CHECK_AS(OutputError, !ec, target.parent_path().string(), ": cannot create (", ec.message(), ")");
  }
  const fs::space_info space = fs::space(target.parent_path().empty() ? fs::path(".") : target.parent_path(), ec);
  W2V2_CHECK_AS(OutputError, ec || space.available >= weights + kMiB, out_dir, ": the weights take ",
                weights / kMiB, " MiB, more than the ", space.available / kMiB, " MiB free there");

  // Everything is written into a temporary sibling folder that replaces `out_dir` only when complete, so
  // an interrupted or failed run never leaves a folder without weights.
  TemporaryFolder staging{make_sibling_folder(target, ".tmp-")};
  copy_config_files(src, staging.path);
  {
    torch::InferenceMode guard;
    write_safetensors(random_state_dict(config, seed), (staging.path / "model.safetensors").string());
  }
  if (fs::exists(status)) {  // an earlier folder: moved aside, replaced, then removed
    TemporaryFolder old{make_sibling_folder(target, ".old-")};
    fs::remove(old.path);
    fs::rename(target, old.path, ec);
    W2V2_CHECK_AS(OutputError, !ec, out_dir, ": cannot replace (", ec.message(), ")");
    fs::rename(staging.path, target, ec);
    if (ec) {
      std::error_code back;
      fs::rename(old.path, target, back);  // put the earlier folder back
    }
    W2V2_CHECK_AS(OutputError, !ec, out_dir, ": cannot replace (", ec.message(), ")");
  } else {
    fs::rename(staging.path, target, ec);
    W2V2_CHECK_AS(OutputError, !ec, out_dir, ": cannot create (", ec.message(), ")");
  }
  staging.path.clear();
}

}  // namespace w2v2
