#include "output/journal_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "common/error.h"
#include "output/jsonl_writer.h"

namespace w2v2 {
JournalWriter::JournalWriter(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  W2V2_CHECK_AS(OutputError, fd_ >= 0, path, ": cannot open the journal (", std::strerror(errno), ")");
}

JournalWriter::~JournalWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void JournalWriter::write(const UtteranceResult& result) {
  const std::string line = JsonlWriter::record(result) + "\n";
  size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    W2V2_CHECK_AS(OutputError, n > 0, path_, ": journal write failed (", std::strerror(errno), ")");
    done += static_cast<size_t>(n);
  }
  W2V2_CHECK_AS(OutputError, ::fsync(fd_) == 0, path_, ": fsync failed (", std::strerror(errno), ")");
}

void JournalWriter::finish() {
  if (fd_ >= 0) {
    const int rc = ::close(fd_);
    fd_ = -1;
    W2V2_CHECK_AS(OutputError, rc == 0, path_, ": close failed (", std::strerror(errno), ")");
  }
}

std::vector<UtteranceResult> JournalWriter::recover(const std::string& path) {
  std::vector<UtteranceResult> out;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return out;
  std::ifstream in(path, std::ios::binary);
  W2V2_CHECK_AS(OutputError, in.good(), path, ": cannot read the journal");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string data = buffer.str();
  size_t begin = 0, good_end = 0;
  while (begin < data.size()) {
    const size_t newline = data.find('\n', begin);
    if (newline == std::string::npos) break;  // torn last line
    auto record = JsonlWriter::parse(data.substr(begin, newline - begin));
    if (!record) break;  // a damaged line: keep what came before it
    out.push_back(std::move(*record));
    begin = newline + 1;
    good_end = begin;
  }
  if (good_end < data.size()) {
    std::filesystem::resize_file(path, good_end, ec);
    W2V2_CHECK_AS(OutputError, !ec, path, ": cannot cut the torn record off the journal (", ec.message(), ")");
  }
  return out;
}

}  // namespace w2v2
