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
// The running program (/proc/self/exe: dladdr names the main program only as it was invoked), then the shared
// object holding this code when it is not the program.
std::vector<std::string> relocated_model_dirs() {
  std::vector<std::filesystem::path> objects;
  std::error_code ec;
  if (auto exe = std::filesystem::canonical("/proc/self/exe", ec); !ec) objects.push_back(exe);
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&installed_model_dir), &info) != 0 && info.dli_fname != nullptr) {
    if (auto object = std::filesystem::canonical(info.dli_fname, ec); !ec) objects.push_back(object);
  }
  std::vector<std::string> dirs;
  for (const auto& object : objects) {
    for (const char* up : {"../share/w2v2/models/default", "../../share/w2v2/models/default"}) {
      dirs.push_back((object.parent_path() / up).lexically_normal().string());
    }
  }
  return dirs;
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
  if (dir.empty()) {
    std::string places = installed_model_dir();
    for (const std::string& other : relocated_model_dirs()) places += ", " + other;
    throw ConfigError("no model folder given (--model) and no default found: W2V2_MODEL is not set, and none of "
                      "models/default (under " + std::filesystem::current_path().string() + "), " + places +
                      " holds a config.json");
  }
  return dir;
}

}  // namespace w2v2
