#pragma once

#include <cstddef>
#include <string>

namespace w2v2 {

// write(2) until all `size` bytes are written (EINTR retried, short writes continued). False, with the
// reason in `error`, when a write fails or writes nothing.
bool write_fully(int fd, const char* data, size_t size, std::string& error);

}  // namespace w2v2
