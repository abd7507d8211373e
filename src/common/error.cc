#include "common/error.h"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace w2v2 {

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  W2V2_CHECK_AS(ConfigError, in.good(), path, ": cannot open");
  std::stringstream buffer;
  buffer << in.rdbuf();
  W2V2_CHECK_AS(ConfigError, !in.bad(), path, ": read failed");
  return buffer.str();
}

void write_text_file_atomically(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    W2V2_CHECK_AS(OutputError, out.good(), tmp, ": cannot open for writing");
    out << content;
    out.flush();
    W2V2_CHECK_AS(OutputError, out.good(), tmp, ": write failed");
  }
  W2V2_CHECK_AS(OutputError, std::rename(tmp.c_str(), path.c_str()) == 0, path, ": cannot rename ", tmp, " to it");
}

}  // namespace w2v2
