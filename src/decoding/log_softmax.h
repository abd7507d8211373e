#pragma once

namespace w2v2 {

// Replaces each of the `frames` rows of `data` ((frames, vocab) float32 row-major) by its log-softmax:
// x - max - log(sum exp(x - max)), summed in double (stable for any finite logits). A row holding a NaN,
// or only -inf, becomes all NaN; +inf entries share the mass
// (-log of their count each) and the others become -inf.
void log_softmax_rows(float* data, int frames, int vocab);

}  // namespace w2v2
