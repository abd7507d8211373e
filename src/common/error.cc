#include "common/error.h"

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

}  // namespace w2v2
