#include "model/random_model_folder.h"

#include <torch/torch.h>

#include <cstdint>
#include <filesystem>

#include "common/error.h"
#include "model/checkpoint_reader.h"
#include "model/wav2vec2_config.h"
#include "model/wav2vec2_weights.h"

namespace w2v2 {
namespace fs = std::filesystem;

void write_random_model_folder(const std::string& config_dir, const std::string& out_dir, uint64_t seed) {
  const fs::path src(config_dir);
  const auto config = Wav2Vec2Config::from_file((src / "config.json").string());
  W2V2_CHECK_AS(ConfigError, fs::is_regular_file(src / "vocab.json"), config_dir, ": vocab.json is missing");
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  W2V2_CHECK_AS(OutputError, !ec, out_dir, ": cannot create (", ec.message(), ")");
  for (const char* name : {"config.json", "vocab.json", "preprocessor_config.json", "special_tokens_map.json"}) {
    if (fs::is_regular_file(src / name)) {
      fs::copy_file(src / name, fs::path(out_dir) / name, fs::copy_options::overwrite_existing, ec);
      W2V2_CHECK_AS(OutputError, !ec, out_dir, "/", name, ": cannot write (", ec.message(), ")");
      fs::permissions(fs::path(out_dir) / name, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::add,
                      ec);  // a read-only source (e.g. a packaged config) must not give a read-only copy
      W2V2_CHECK_AS(OutputError, !ec, out_dir, "/", name, ": cannot make writable (", ec.message(), ")");
    }
  }
  torch::InferenceMode guard;
  write_safetensors(random_state_dict(config, seed), (fs::path(out_dir) / "model.safetensors").string());
}

}  // namespace w2v2
