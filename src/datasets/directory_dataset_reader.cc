#include "datasets/directory_dataset_reader.h"

#include <algorithm>
#include <filesystem>

#include "audio/audio_file_reader.h"
#include "common/error.h"

namespace w2v2 {
namespace fs = std::filesystem;

std::vector<Utterance> list_audio_files(const std::vector<std::string>& paths) {
  std::vector<Utterance> utterances;
  for (const auto& input : paths) {
    std::error_code ec;
    const auto status = fs::symlink_status(input, ec);
    W2V2_CHECK_AS(DatasetError, !ec && fs::exists(status), input, ": no such file or directory");
    if (!fs::is_directory(input, ec)) {
      // A file named explicitly is always attempted, whatever its extension: failures are reported.
      Utterance u;
      u.id = input;
      u.path = input;
      u.output_stem = fs::path(input).stem().string();
      utterances.push_back(std::move(u));
      continue;
    }
    std::vector<Utterance> found;
    const auto options = fs::directory_options::skip_permission_denied;
    for (fs::recursive_directory_iterator it(input, options, ec), end; !ec && it != end; it.increment(ec)) {
      const auto& entry = *it;
      std::error_code type_ec;
      if (entry.is_directory(type_ec)) continue;
      if (!has_audio_extension(entry.path().string())) continue;
      const fs::path relative = entry.path().lexically_relative(input);
      Utterance u;
      u.id = relative.generic_string();
      u.path = entry.path().string();
      u.output_stem = (relative.parent_path() / relative.stem()).generic_string();
      found.push_back(std::move(u));
    }
    W2V2_CHECK_AS(DatasetError, !ec, input, ": cannot list directory (", ec.message(), ")");
    std::sort(found.begin(), found.end(), [](const Utterance& a, const Utterance& b) { return a.id < b.id; });
    utterances.insert(utterances.end(), found.begin(), found.end());
  }
  for (size_t i = 0; i < utterances.size(); ++i) utterances[i].index = i;
  return utterances;
}

}  // namespace w2v2
