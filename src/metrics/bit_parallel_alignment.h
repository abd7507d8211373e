#pragma once

#include "metrics/edit_distance.h"
#include "metrics/token_ids.h"

namespace w2v2 {

// The unit-cost alignment of t.a against t.b() (both non-empty) that the full table's backtrace gives
// (match/substitution, then deletion, then insertion, from the end), computed 64 cells to a machine word
// (Myers 1999, Hyyro 2003) over the cells that can lie on a minimum-cost path, with checkpoint rows instead
// of a table. The counts and cost always; the ops too when `with_ops`.
Alignment bit_parallel_alignment(const TokenIds& t, bool with_ops);

}  // namespace w2v2
