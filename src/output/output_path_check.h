#pragma once

#include <string>
#include <vector>

namespace w2v2 {

// A file a command will write, with the flag that names it (for messages).
struct NamedOutput {
  std::string flag;  // e.g. "--output", "--journal", "--report"
  std::string path;  // "" or "-" (stdout) are ignored
};

// Refuses (ConfigError, before anything is written) what would destroy data:
// - an output or the journal that is the same file as an input (compared by device and inode, so links,
//   "./x" and hard links are caught),
// - the journal equal to any other output (it would be deleted once the run completes),
// - two outputs that are the same regular file (one would overwrite the other).
// Devices, FIFOs and sockets (/dev/null) may be named by several outputs: they are written straight through.
void check_output_paths(const std::vector<NamedOutput>& outputs, const std::string& journal,
                        const std::vector<std::string>& inputs);

}  // namespace w2v2
