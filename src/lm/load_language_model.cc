#include "lm/load_language_model.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.h"
#include "lm/arpa_reader.h"
#include "lm/ngram_language_model.h"
#include "lm/w2lm_file.h"

namespace w2v2 {
namespace {

// The file's first bytes (up to 8), to tell .w2lm from ARPA text.
std::string file_start(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw LanguageModelError(path + ": cannot open (" + std::strerror(errno) + ")");
  char bytes[8];
  const ssize_t n = ::read(fd, bytes, sizeof bytes);
  ::close(fd);
  return n > 0 ? std::string(bytes, static_cast<size_t>(n)) : std::string();
}

}  // namespace

std::unique_ptr<NgramLanguageModel> build_language_model(LmTableStorage storage, const std::string& source) {
  auto owned = std::make_shared<LmTableStorage>(std::move(storage));
  const LmTables tables = owned->view();
  const std::string problem = tables.check();
  if (!problem.empty()) throw LanguageModelError(source + ": built tables are inconsistent: " + problem);
  return std::make_unique<NgramLanguageModel>(tables, std::move(owned), source);
}

std::unique_ptr<NgramLanguageModel> load_ngram_language_model(const std::string& path) {
  if (has_w2lm_magic(file_start(path))) return map_w2lm_file(path);
  try {
    return build_language_model(ArpaReader::read_file(path), path);
  } catch (const LanguageModelError& e) {
    // Named .w2lm but without its magic: say so before the ARPA reader's complaint.
    if (path.size() >= 5 && path.compare(path.size() - 5, 5, ".w2lm") == 0) {
      throw LanguageModelError(path + ": not a .w2lm file (bad magic), nor an ARPA file: " + e.what());
    }
    throw;
  }
}

std::unique_ptr<LanguageModel> load_language_model(const std::string& path) { return load_ngram_language_model(path); }

}  // namespace w2v2
