#include "common/host_memory.h"

#include <climits>  // also defines __GLIBC__ where it applies
#include <mutex>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace w2v2 {

bool keep_freed_host_memory() {
#if defined(__GLIBC__)
  static std::once_flag once;
  static bool applied = false;
  std::call_once(once, [] {
    // One arena: a non-main arena's heaps are capped at 64 MB and would fall back to mmap for big blocks.
    applied = mallopt(M_ARENA_MAX, 1) == 1 && mallopt(M_MMAP_MAX, 0) == 1 && mallopt(M_TRIM_THRESHOLD, INT_MAX) == 1 &&
              mallopt(M_TOP_PAD, 64 << 20) == 1;
  });
  return applied;
#else
  return false;
#endif
}

void release_freed_host_memory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

}  // namespace w2v2
