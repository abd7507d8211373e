#pragma once

#include <vector>

#include "decoding/ctc_hypothesis.h"
#include "output/utterance_result.h"
#include "text/detokenizer.h"

namespace w2v2 {

// Word timings from the CTC frame alignment of a decoded hypothesis (DecodedHypothesis::alignment, greedy or
// beam; in pipeline/ because it joins decoding's alignment to output's WordTiming). Words are what the
// detokenizer makes of the units (split at whitespace), so the same code serves character vocabularies ("|"
// delimiter) and SentencePiece ("▁" prefix): a unit belongs to the word the text had reached once it was added. A word
// starts at its first unit's first frame and ends one frame after its last unit's run; its confidence is
// the mean probability over its units' frames. `frame_seconds`: the conv stack's total stride over the
// sample rate (0.02 s for the published models).
std::vector<WordTiming> align_words(const CtcHypothesis& hypothesis, const Detokenizer& detokenizer,
                                    double frame_seconds);

}  // namespace w2v2
