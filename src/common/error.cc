#include "common/error.h"

// The error types are header-only; this unit anchors them in the core library.
namespace w2v2 {}  // namespace w2v2
