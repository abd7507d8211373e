#include "output/journal_writer.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <spdlog/spdlog.h>

#include "common/error.h"
#include "common/write_fully.h"
#include "output/jsonl_writer.h"

namespace w2v2 {
namespace {

constexpr size_t kMaxRecordBytes = size_t{64} << 20;  // a longer line is damage, not a record

std::string errno_text() { return std::strerror(errno); }

}  // namespace

JournalWriter::JournalWriter(const std::string& path, bool resume) : path_(path) {
  // O_NOFOLLOW: a planted link is never followed; O_NONBLOCK: opening a FIFO does not wait for a writer.
  const int flags = O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY;
  bool created = true;
  fd_ = ::open(path.c_str(), flags | O_CREAT | O_EXCL, 0644);
  if (fd_ < 0 && errno == EEXIST) {
    created = false;
    fd_ = ::open(path.c_str(), flags);
  }
  if (fd_ < 0) {
    W2V2_CHECK_AS(ConfigError, errno != ELOOP, path, ": the journal is a symbolic link; journals are never opened "
                  "through links (give the real path)");
    throw OutputError(path + ": cannot open the journal (" + errno_text() + ")");
  }
  struct stat st {};
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd_);
    fd_ = -1;
    throw ConfigError(path + ": the journal must be a regular file");
  }
  ::fcntl(fd_, F_SETFL, O_RDWR | O_APPEND);
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const bool busy = errno == EWOULDBLOCK;
    ::close(fd_);
    fd_ = -1;
    W2V2_CHECK_AS(ConfigError, !busy, path, ": another w2v2 run is using this journal (it is locked); wait for it "
                  "to finish, or give this run its own --output/--journal");
    throw OutputError(path + ": cannot lock the journal (" + errno_text() + ")");
  }
  try {
    if (!created && st.st_size > 0) {
      W2V2_CHECK_AS(ConfigError, resume, path,
                    ": the journal of an unfinished run exists; add --resume to continue it, or remove it to start over");
      recover();  // checks the header
    } else {
      write_bytes(std::string(kHeader) + "\n");
    }
  } catch (...) {  // the destructor does not run for a constructor that throws: release the file and its lock
    ::close(fd_);
    fd_ = -1;
    throw;
  }
}

JournalWriter::~JournalWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void JournalWriter::recover() {
  // Reads line by line, remembering where the last complete record ends.
  std::string pending;
  off_t offset = 0, good_end = 0;
  bool header_seen = false, damaged = false;
  std::vector<char> block(1 << 20);
  for (;;) {
    const ssize_t n = ::pread(fd_, block.data(), block.size(), offset);
    if (n < 0 && errno == EINTR) continue;
    W2V2_CHECK_AS(OutputError, n >= 0, path_, ": cannot read the journal (", errno_text(), ")");
    if (n == 0) break;
    offset += n;
    size_t begin = 0;
    for (ssize_t k = 0; k < n && !damaged; ++k) {
      if (block[static_cast<size_t>(k)] != '\n') continue;
      pending.append(block.data() + begin, static_cast<size_t>(k) - begin);
      begin = static_cast<size_t>(k) + 1;
      if (!header_seen) {
        W2V2_CHECK_AS(ConfigError, pending == kHeader, path_, ": exists and is not a w2v2 journal (its first line is "
                      "not ", kHeader, "); refusing to use or change it: give the run another --journal");
        header_seen = true;
      } else if (auto record = JsonlWriter::parse(pending)) {
        recovered_.push_back(std::move(*record));
      } else {
        damaged = true;  // nothing after a damaged line is trusted
        break;
      }
      good_end = offset - n + static_cast<off_t>(begin);
      pending.clear();
    }
    if (damaged) break;
    pending.append(block.data() + begin, static_cast<size_t>(n) - begin);
    W2V2_CHECK_AS(ConfigError, header_seen || std::string(kHeader).compare(0, pending.size(), pending) == 0, path_,
                  ": exists and is not a w2v2 journal (its first line is not ", kHeader,
                  "); refusing to use or change it: give the run another --journal");
    if (pending.size() > kMaxRecordBytes) break;  // a runaway line: damage
  }
  if (!header_seen) {  // a torn header (killed while creating the journal): ours only if a prefix of it
    W2V2_CHECK_AS(OutputError, ::ftruncate(fd_, 0) == 0, path_, ": cannot rewrite the torn journal header (",
                  errno_text(), ")");
    write_bytes(std::string(kHeader) + "\n");
    return;
  }
  struct stat st {};
  W2V2_CHECK_AS(OutputError, ::fstat(fd_, &st) == 0, path_, ": cannot stat the journal (", errno_text(), ")");
  if (good_end < st.st_size) {
    spdlog::warn("{}: cutting {} bytes of a torn or damaged record off the journal (those inputs are redone)", path_,
                 st.st_size - good_end);
    W2V2_CHECK_AS(OutputError, ::ftruncate(fd_, good_end) == 0 && ::fsync(fd_) == 0, path_,
                  ": cannot cut the torn record off the journal (", errno_text(), ")");
  }
}

void JournalWriter::write_bytes(const std::string& bytes) {
  std::string error;
  W2V2_CHECK_AS(OutputError, write_fully(fd_, bytes.data(), bytes.size(), error), path_, ": journal write failed (",
                error, ")");
  W2V2_CHECK_AS(OutputError, ::fsync(fd_) == 0, path_, ": fsync failed (", errno_text(), ")");
}

void JournalWriter::write(const UtteranceResult& result) { write_bytes(JsonlWriter::record(result) + "\n"); }

void JournalWriter::remove() {
  if (fd_ < 0) return;
  if (::unlink(path_.c_str()) != 0) spdlog::warn("{}: cannot remove the journal ({})", path_, errno_text());
  ::close(fd_);
  fd_ = -1;
}

}  // namespace w2v2
