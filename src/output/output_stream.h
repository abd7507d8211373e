#pragma once

#include <memory>
#include <ostream>
#include <string>

namespace w2v2 {

class FdStreamBuf;

// Where results go: standard output (path "" or "-") or a file.
// - A regular file, or a new one, is written under a unique temporary name in its folder (created with
//   O_CREAT|O_EXCL|O_NOFOLLOW, so a planted symlink is never followed) and renamed into place on commit(): a
//   reader never sees a half-written file.
// - A character or block device, FIFO or socket (/dev/null, a named pipe, /dev/stdout of a pipe) is written
//   straight through, never replaced.
// - A symbolic link is followed: the file it names is written (the link stays a link), and a link to a
//   descriptor (/dev/stdout -> /proc/self/fd/1) writes into that descriptor. A folder is refused.
// Throws OutputError naming the path.
class OutputStream {
 public:
  explicit OutputStream(const std::string& path);
  ~OutputStream();
  OutputStream(const OutputStream&) = delete;
  OutputStream& operator=(const OutputStream&) = delete;

  std::ostream& stream() { return *out_; }
  void commit();  // throws OutputError

 private:
  std::string path_;      // as given
  std::string target_;    // the file that ends up written (path_ with symbolic links resolved)
  std::string tmp_path_;  // the temporary file renamed onto target_; "" when writing straight through
  std::unique_ptr<FdStreamBuf> buffer_;
  std::unique_ptr<std::ostream> file_;
  std::ostream* out_;
  bool committed_ = false;
};

// The whole of `content` through an OutputStream. Throws OutputError naming the file.
void write_output_file(const std::string& path, const std::string& content);

}  // namespace w2v2
