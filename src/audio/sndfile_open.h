#pragma once

#include <sndfile.h>

#include <string>

namespace w2v2 {

// sf_open_fd on a duplicate of `fd`, with the reason of a failure. The caller keeps `fd` and closes it
// itself; libsndfile owns the duplicate (sf_close closes it). Two libsndfile traps are handled here:
// - libsndfile 1.2.0 (Debian 12) closes the descriptor of a failed open even when told not to
//   (libsndfile issue #949): closing it again would close whatever another thread opened in between.
// - the reason of a failed open lives in one global (sf_strerror(NULL)) that any other thread's open
//   overwrites, so opens are serialized (a header parse, short) and the reason is read inside.
// Returns null and sets `error` on failure. Throws nothing.
SNDFILE* open_sndfile(int fd, int mode, SF_INFO* info, std::string& error);

}  // namespace w2v2
