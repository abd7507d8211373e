#include "output/output_path_check.h"

#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <optional>
#include <utility>

#include "common/error.h"

namespace w2v2 {
namespace {

using FileKey = std::pair<dev_t, ino_t>;

// What identifies the file `path` will write: its device and inode when it exists, else its absolute,
// link-resolved path. std::nullopt for a device, FIFO or socket (never replaced, may be shared).
std::optional<std::string> identity(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) return std::nullopt;
    return "inode:" + std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  }
  std::error_code ec;
  const auto absolute = std::filesystem::weakly_canonical(std::filesystem::absolute(path, ec), ec);
  return "path:" + (ec ? std::filesystem::path(path).lexically_normal() : absolute).string();
}

}  // namespace

void check_output_paths(const std::vector<NamedOutput>& outputs, const std::string& journal,
                        const std::vector<std::string>& inputs) {
  std::vector<NamedOutput> all;
  for (const auto& o : outputs) {
    if (!o.path.empty() && o.path != "-") all.push_back(o);
  }
  if (!journal.empty()) all.push_back({"--journal", journal});
  if (all.empty()) return;

  std::map<FileKey, std::string> input_files;
  for (const auto& input : inputs) {
    struct stat st {};
    if (::stat(input.c_str(), &st) == 0 && S_ISREG(st.st_mode)) input_files.emplace(FileKey{st.st_dev, st.st_ino}, input);
  }
  std::map<std::string, const NamedOutput*> seen;
  for (const auto& o : all) {
    struct stat st {};
    if (::stat(o.path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      const auto it = input_files.find(FileKey{st.st_dev, st.st_ino});
      W2V2_CHECK_AS(ConfigError, it == input_files.end(), o.flag, " ", o.path, " is the input ", it->second,
                    ": refusing to overwrite an input");
    }
    const auto id = identity(o.path);
    if (!id) continue;
    const auto [it, inserted] = seen.emplace(*id, &o);
    if (inserted) continue;
    const NamedOutput& first = *it->second;
    const bool journal_involved = first.flag == "--journal" || o.flag == "--journal";
    throw ConfigError(first.flag + " " + first.path + " and " + o.flag + " " + o.path + " are the same file" +
                      (journal_involved ? ": the journal is deleted once the run completes; give it a path of its own"
                                        : ": one would overwrite the other"));
  }
}

}  // namespace w2v2
