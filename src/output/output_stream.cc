#include "output/output_stream.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "common/error.h"
#include "common/temporary_file.h"
#include "output/fd_stream_buf.h"

namespace w2v2 {
namespace {

std::string errno_text() { return std::strerror(errno); }

// The descriptor that /dev/stdout, /dev/stderr, /dev/fd/N or /proc/self/fd/N name, or -1. Writing goes to
// that descriptor itself (a dup): opening the name again would start at offset 0 of a file the shell
// opened for appending, and renaming onto it would leave the shell's descriptor on the old file.
int named_descriptor(const std::string& path) {
  if (path == "/dev/stdout") return STDOUT_FILENO;
  if (path == "/dev/stderr") return STDERR_FILENO;
  for (const std::string prefix : {"/dev/fd/", "/proc/self/fd/"}) {
    if (path.compare(0, prefix.size(), prefix) != 0 || path.size() == prefix.size() || path.size() > prefix.size() + 6) continue;
    const std::string digits = path.substr(prefix.size());
    if (digits.find_first_not_of("0123456789") == std::string::npos) return std::stoi(digits);
  }
  return -1;
}

// Follows `path`'s symbolic links one by one. Returns the descriptor a link leads to (named_descriptor) if
// one does, else -1 with *target set to the file that writing should replace (path itself when no link).
int resolve_links(const std::string& path, std::string* target) {
  std::filesystem::path current = path;
  for (int hops = 0; hops < 40; ++hops) {
    if (const int fd = named_descriptor(current.string()); fd >= 0) return fd;
    struct stat link {};
    if (::lstat(current.c_str(), &link) != 0 || !S_ISLNK(link.st_mode)) {
      *target = current.string();
      return -1;
    }
    std::error_code ec;
    const std::filesystem::path next = std::filesystem::read_symlink(current, ec);
    W2V2_CHECK_AS(OutputError, !ec, path, ": cannot read the symbolic link (", ec.message(), ")");
    current = (next.is_absolute() ? next : current.parent_path() / next).lexically_normal();
  }
  throw OutputError(path + ": too many levels of symbolic links");
}

}  // namespace

OutputStream::OutputStream(const std::string& path) : path_(path), out_(&std::cout) {
  if (path.empty() || path == "-") return;
  if (const int named = resolve_links(path, &target_); named >= 0) {  // /dev/stdout and the like
    const int fd = ::fcntl(named, F_DUPFD_CLOEXEC, 0);
    W2V2_CHECK_AS(OutputError, fd >= 0, path, ": cannot write (", errno_text(), ")");
    buffer_ = std::make_unique<FdStreamBuf>(fd);
    file_ = std::make_unique<std::ostream>(buffer_.get());
    out_ = file_.get();
    return;
  }
  struct stat st {};
  const bool exists = ::stat(target_.c_str(), &st) == 0;
  W2V2_CHECK_AS(OutputError, !exists || !S_ISDIR(st.st_mode), path, ": is a folder, not a file");
  int fd = -1;
  if (exists && !S_ISREG(st.st_mode)) {  // a device, FIFO or socket: write into it, never replace it
    fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
    W2V2_CHECK_AS(OutputError, fd >= 0, path, ": cannot open for writing (", errno_text(), ")");
  } else {
    // The mode the file had, or a plain creation's.
    TemporaryFile tmp = create_temporary_beside(target_, exists ? (st.st_mode & 07777) : default_file_mode());
    fd = tmp.fd;
    tmp_path_ = std::move(tmp.path);
  }
  buffer_ = std::make_unique<FdStreamBuf>(fd);
  file_ = std::make_unique<std::ostream>(buffer_.get());
  out_ = file_.get();
}

OutputStream::~OutputStream() {
  if (!tmp_path_.empty() && !committed_) {
    buffer_->close(false);
    ::unlink(tmp_path_.c_str());
  }
}

void OutputStream::commit() {
  const std::string name = path_.empty() || path_ == "-" ? "stdout" : path_;
  out_->flush();
  W2V2_CHECK_AS(OutputError, out_->good(), name, ": write failed", buffer_ ? " (" + buffer_->error() + ")" : "");
  if (!buffer_ || committed_) return;
  W2V2_CHECK_AS(OutputError, buffer_->close(false), name, ": write failed (", buffer_->error(), ")");
  committed_ = true;
  if (tmp_path_.empty()) return;
  if (::rename(tmp_path_.c_str(), target_.c_str()) != 0) {
    const std::string why = errno_text();
    ::unlink(tmp_path_.c_str());
    throw OutputError(path_ + ": cannot rename into place (" + why + ")");
  }
}

void write_output_file(const std::string& path, const std::string& content) {
  OutputStream out(path);
  out.stream() << content;
  out.commit();
}

}  // namespace w2v2
