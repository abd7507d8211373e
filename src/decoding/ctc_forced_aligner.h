#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "decoding/ctc_hypothesis.h"

namespace w2v2 {

// The most probable CTC alignment (Viterbi) of a given label sequence: where each token's run of frames
// starts and ends, and its mean probability over the run, as greedy decoding reports them. For greedy's own
// output this is greedy's path (the best path overall). `log_probs` (frames, vocab) row-major log-softmax.
// Throws Error when the labels cannot be aligned to the frames (too many, or zero probability).
//
// Without hints every (frame, label state) pair is searched: time frames x (2 labels + 1), and a quarter byte
// of memory for each pair; fine for short inputs, quadratic for long ones.
CtcHypothesis ctc_force_align(const float* log_probs, int frames, int vocab, int blank_id,
                              const std::vector<int>& tokens);

// The same alignment searched within a band around `hint_frames` (one per token, non-decreasing: where a
// decoder saw each token, e.g. the frame the beam search first emitted it), so that time and memory grow
// with frames x the labels near each frame: a 2-hour input aligns in about a second. The band starts at
// kAlignmentBandFrames frames either side of the hints and is widened (x4, up to the whole input) while no
// path fits in it or the best one runs along one of its edges: hints that miss the path by more than the band
// in some stretch usually push the band's best path onto an edge there. This is a heuristic, not a proof:
// the result is the full search's whenever the full search's path lies inside the last band tried (tested
// with hints near the path, 3 bands late or early, all at the start), but hints that miss the path
// everywhere can leave a lesser path inside, off the edges (all hints at the end, for example). A band whose
// back-pointers would pass `max_back_pointer_bytes` is not tried while a path is at hand (`report->capped`);
// with none at hand, such a band is a clear Error rather than an allocation that fails.
inline constexpr int kAlignmentBandFrames = 100;  // 2 s at wav2vec2's 50 frames per second
inline constexpr size_t kMaxAlignmentBackPointerBytes = size_t{256} << 20;

// What one banded alignment did.
struct AlignmentReport {
  int passes = 0;        // Viterbi passes run (a band with no window for some frame takes none)
  int64_t radius = 0;    // the last band's half-width in frames (>= frames: the whole input)
  bool capped = false;   // widening stopped at the memory cap with the path still on an edge
};

CtcHypothesis ctc_force_align(const float* log_probs, int frames, int vocab, int blank_id,
                              const std::vector<int>& tokens, const std::vector<int>& hint_frames,
                              AlignmentReport* report = nullptr,
                              size_t max_back_pointer_bytes = kMaxAlignmentBackPointerBytes);

}  // namespace w2v2
