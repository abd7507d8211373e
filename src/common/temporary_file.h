#pragma once

#include <sys/types.h>

#include <string>

namespace w2v2 {

// A new file with a unique name (".w2v2-XXXXXX.tmp") in the folder of `target`, created with
// O_CREAT|O_EXCL|O_CLOEXEC (a link planted at any name is never followed) and given `mode`; the caller writes
// it through `fd` and renames `path` onto `target`. Throws OutputError naming `target`.
struct TemporaryFile {
  int fd = -1;
  std::string path;
};
TemporaryFile create_temporary_beside(const std::string& target, mode_t mode);

// The mode a plain creation gives a new file: 0666 less the process's umask (read once, from /proc: umask()
// cannot be read without setting it, which would race with other threads creating files).
mode_t default_file_mode();

}  // namespace w2v2
