#include "metrics/transcript_file.h"

#include <fstream>

#include "common/error.h"

namespace w2v2 {

std::map<std::string, std::string> read_transcript_file(const std::string& path) {
  std::ifstream in(path);
  W2V2_CHECK_AS(DatasetError, in.good(), path, ": cannot open");
  std::map<std::string, std::string> out;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    std::string id, text;
    const size_t open = line.rfind('(');
    if (line.back() == ')' && open != std::string::npos) {  // trn
      id = line.substr(open + 1, line.size() - open - 2);
      text = line.substr(0, open);
    } else {
      const size_t split = line.find_first_of(" \t");
      id = line.substr(0, split);
      text = split == std::string::npos ? "" : line.substr(split + 1);
    }
    W2V2_CHECK_AS(DatasetError, !id.empty(), path, ":", number, ": no utterance id");
    W2V2_CHECK_AS(DatasetError, out.emplace(id, text).second, path, ":", number, ": duplicate id '", id, "'");
  }
  return out;
}

}  // namespace w2v2
