#include "checkpoint/default_model.h"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <vector>

#include "common/error.h"

#ifndef W2V2_INSTALL_DATADIR
#define W2V2_INSTALL_DATADIR "/usr/local/share"
#endif

namespace w2v2 {
namespace {

std::string installed_model_dir() { return std::string(W2V2_INSTALL_DATADIR) + "/w2v2/models/default"; }

// Where an installed copy would be relative to the file this code was loaded from (bin/w2v2, or
// lib/libw2v2.so, lib/<multiarch>/libw2v2.so): an install moved to another prefix still finds its model.
std::vector<std::string> relocated_model_dirs() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&installed_model_dir), &info) == 0 || info.dli_fname == nullptr) return {};
  std::error_code ec;
  const std::filesystem::path object = std::filesystem::canonical(info.dli_fname, ec);
  if (ec) return {};
  const std::filesystem::path dir = object.parent_path();
  return {(dir / "../share/w2v2/models/default").lexically_normal().string(),
          (dir / "../../share/w2v2/models/default").lexically_normal().string()};
}

}  // namespace

std::string default_model_dir() {
  std::error_code ec;
  if (const char* env = std::getenv("W2V2_MODEL"); env != nullptr && *env != '\0') return env;  // checked on load
  std::vector<std::string> candidates{"models/default", installed_model_dir()};
  for (std::string& dir : relocated_model_dirs()) candidates.push_back(std::move(dir));
  for (const std::string& dir : candidates) {
    if (std::filesystem::is_regular_file(dir + "/config.json", ec)) return dir;
  }
  return "";
}

std::string require_default_model_dir() {
  std::string dir = default_model_dir();
  W2V2_CHECK_AS(ConfigError, !dir.empty(), "no model folder given (--model) and no default found: W2V2_MODEL is not set, ",
                "and neither models/default (under ", std::filesystem::current_path().string(), ") nor ",
                installed_model_dir(), " exists");
  return dir;
}

}  // namespace w2v2
