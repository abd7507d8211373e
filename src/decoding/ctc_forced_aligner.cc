#include "decoding/ctc_forced_aligner.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "common/error.h"

namespace w2v2 {
namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// The label states a path may be in at one frame, [lo, hi]; `band_lo`/`band_hi` when that edge is the band's
// rather than what the start and the end of the input allow.
struct FrameWindow {
  int lo = 0;
  int hi = 0;
  bool band_lo = false;
  bool band_hi = false;
};

// Every state that the start can have reached and that can still reach the end. States 0..2L: even = blank,
// 2k+1 = tokens[k]. Empty when some frame has none (more labels than the frames can hold).
std::vector<FrameWindow> full_windows(int frames, int states) {
  std::vector<FrameWindow> out(static_cast<size_t>(frames));
  for (int t = 0; t < frames; ++t) {
    out[static_cast<size_t>(t)].lo = std::max(0, states - 2 * (frames - t));
    out[static_cast<size_t>(t)].hi = std::min(states - 1, 2 * t + 1);
    if (out[static_cast<size_t>(t)].lo > out[static_cast<size_t>(t)].hi) return {};
  }
  return out;
}

// The full windows narrowed to a band around the hints: at frame t a path must have emitted every token
// hinted before t - radius except the last of them (it may still be about to), and may have emitted at most
// the tokens hinted up to t + radius plus the next one. A path on such an edge is `radius` frames early or
// late against the hints: the band may have cut off a better path. Empty when a frame's window is empty.
std::vector<FrameWindow> band_windows(int frames, int states, const std::vector<int>& hints, int radius) {
  std::vector<FrameWindow> out = full_windows(frames, states);
  if (out.empty()) return out;
  const int tokens = static_cast<int>(hints.size());
  int before = 0, upto = 0;  // tokens hinted before t - radius; hinted at or before t + radius
  for (int t = 0; t < frames; ++t) {
    while (before < tokens && hints[static_cast<size_t>(before)] < t - radius) ++before;
    while (upto < tokens && hints[static_cast<size_t>(upto)] <= t + radius) ++upto;
    FrameWindow& w = out[static_cast<size_t>(t)];
    const int lo = std::max(0, 2 * before - 2), hi = 2 * upto + 1;
    if (lo > w.lo) w.lo = lo, w.band_lo = true;
    if (hi < w.hi) w.hi = hi, w.band_hi = true;
    if (w.lo > w.hi) return {};
  }
  return out;
}

// Viterbi over the label states within each frame's window: the state of every frame on the best path, or
// empty when there are no windows or no path inside them has a nonzero probability. Back-pointers (0 stay,
// 1 or 2 states back) take 2 bits per (frame, state in its window).
std::vector<int> viterbi_path(const float* log_probs, int frames, int vocab, int blank_id,
                              const std::vector<int>& tokens, const std::vector<FrameWindow>& windows) {
  if (windows.empty()) return {};
  const int states = 2 * static_cast<int>(tokens.size()) + 1;
  auto label = [&](int s) { return s % 2 == 0 ? blank_id : tokens[static_cast<size_t>(s / 2)]; };
  auto width = [&](int t) {
    return static_cast<size_t>(windows[static_cast<size_t>(t)].hi - windows[static_cast<size_t>(t)].lo + 1);
  };
  std::vector<size_t> offset(static_cast<size_t>(frames) + 1, 0);  // frame t's first back-pointer
  for (int t = 1; t < frames; ++t) offset[static_cast<size_t>(t) + 1] = offset[static_cast<size_t>(t)] + width(t);
  std::vector<uint8_t> back((offset[static_cast<size_t>(frames)] + 3) / 4, 0);
  auto back_at = [&](size_t i) { return (back[i / 4] >> (2 * (i % 4))) & 3; };

  std::vector<float> prev(width(0), kNegInf), next;  // scores of the previous frame's window, this frame's
  for (int s = windows[0].lo; s <= windows[0].hi; ++s) {
    prev[static_cast<size_t>(s - windows[0].lo)] = log_probs[label(s)];
  }
  for (int t = 1; t < frames; ++t) {
    const FrameWindow& p = windows[static_cast<size_t>(t) - 1];
    const FrameWindow& w = windows[static_cast<size_t>(t)];
    const float* row = log_probs + static_cast<size_t>(t) * vocab;
    auto before = [&](int s) { return s < p.lo || s > p.hi ? kNegInf : prev[static_cast<size_t>(s - p.lo)]; };
    next.assign(width(t), kNegInf);
    for (int s = w.lo; s <= w.hi; ++s) {
      float v = before(s);
      uint8_t from = 0;
      if (s >= 1 && before(s - 1) > v) v = before(s - 1), from = 1;
      if (s >= 2 && s % 2 == 1 && label(s) != label(s - 2) && before(s - 2) > v) v = before(s - 2), from = 2;
      next[static_cast<size_t>(s - w.lo)] = v + row[label(s)];
      const size_t i = offset[static_cast<size_t>(t)] + static_cast<size_t>(s - w.lo);
      back[i / 4] = static_cast<uint8_t>(back[i / 4] | (from << (2 * (i % 4))));
    }
    prev.swap(next);
  }
  // The path ends in the last label or the blank after it.
  const FrameWindow& last = windows.back();
  auto final_score = [&](int s) {
    return s < last.lo || s > last.hi ? kNegInf : prev[static_cast<size_t>(s - last.lo)];
  };
  int s = final_score(states - 1) >= final_score(states - 2) ? states - 1 : states - 2;
  if (!(final_score(s) > kNegInf)) return {};
  std::vector<int> state_at(static_cast<size_t>(frames));
  for (int t = frames - 1; t > 0; --t) {
    state_at[static_cast<size_t>(t)] = s;
    const size_t i = offset[static_cast<size_t>(t)] + static_cast<size_t>(s - windows[static_cast<size_t>(t)].lo);
    s -= static_cast<int>(back_at(i));
  }
  state_at[0] = s;
  return state_at;
}

// Whether the path runs along an edge that the band, not the input, drew.
bool touches_band(const std::vector<int>& state_at, const std::vector<FrameWindow>& windows) {
  for (size_t t = 0; t < state_at.size(); ++t) {
    const FrameWindow& w = windows[t];
    if ((w.band_lo && state_at[t] == w.lo) || (w.band_hi && state_at[t] == w.hi)) return true;
  }
  return false;
}

// Runs, start and end frames, and mean probabilities of the tokens along a path of states.
CtcHypothesis hypothesis_of(const float* log_probs, int vocab, const std::vector<int>& tokens,
                            const std::vector<int>& state_at) {
  CtcHypothesis out;
  out.tokens = tokens;
  const size_t labels = tokens.size();
  out.frames.assign(labels, -1);
  out.end_frames.assign(labels, -1);
  std::vector<double> sum(labels, 0.0);
  for (size_t t = 0; t < state_at.size(); ++t) {
    const int st = state_at[t];
    if (st % 2 == 0) continue;
    const size_t k = static_cast<size_t>(st / 2);
    if (out.frames[k] < 0) out.frames[k] = static_cast<int>(t);
    out.end_frames[k] = static_cast<int>(t) + 1;
    sum[k] += std::exp(static_cast<double>(log_probs[t * static_cast<size_t>(vocab) + static_cast<size_t>(tokens[k])]));
  }
  out.probabilities.resize(labels);
  for (size_t k = 0; k < labels; ++k) {
    out.probabilities[k] = static_cast<float>(sum[k] / (out.end_frames[k] - out.frames[k]));
  }
  return out;
}

size_t back_pointer_bytes(const std::vector<FrameWindow>& windows) {
  size_t pairs = 0;
  for (const FrameWindow& w : windows) pairs += static_cast<size_t>(w.hi - w.lo + 1);
  return pairs / 4;
}

void check_alignable(const std::vector<int>& state_at, size_t labels, int frames) {
  W2V2_CHECK(!state_at.empty(), "CTC alignment: ", labels, " labels cannot be aligned to ", frames, " frames");
}

}  // namespace

CtcHypothesis ctc_force_align(const float* log_probs, int frames, int vocab, int blank_id,
                              const std::vector<int>& tokens) {
  if (tokens.empty()) return CtcHypothesis{};
  W2V2_CHECK(frames > 0, "CTC alignment: ", tokens.size(), " labels cannot be aligned to 0 frames");
  const int states = 2 * static_cast<int>(tokens.size()) + 1;
  const std::vector<int> state_at =
      viterbi_path(log_probs, frames, vocab, blank_id, tokens, full_windows(frames, states));
  check_alignable(state_at, tokens.size(), frames);
  return hypothesis_of(log_probs, vocab, tokens, state_at);
}

CtcHypothesis ctc_force_align(const float* log_probs, int frames, int vocab, int blank_id,
                              const std::vector<int>& tokens, const std::vector<int>& hint_frames,
                              AlignmentReport* report, size_t max_back_pointer_bytes) {
  AlignmentReport local;
  AlignmentReport& r = report ? *report : local;
  r = AlignmentReport{};
  if (tokens.empty()) return CtcHypothesis{};
  W2V2_CHECK(frames > 0, "CTC alignment: ", tokens.size(), " labels cannot be aligned to 0 frames");
  W2V2_CHECK(hint_frames.size() == tokens.size(), "CTC alignment: ", hint_frames.size(), " hints for ",
             tokens.size(), " labels");
  W2V2_CHECK(std::is_sorted(hint_frames.begin(), hint_frames.end()) && hint_frames.front() >= 0 &&
                 hint_frames.back() < frames,
             "CTC alignment: hint frames must be non-decreasing and within the ", frames, " frames");
  const int states = 2 * static_cast<int>(tokens.size()) + 1;
  std::vector<int> best;  // the last path found
  for (int64_t radius = kAlignmentBandFrames;; radius *= 4) {
    const bool whole = radius >= frames;  // the band covers everything: the full search
    const std::vector<FrameWindow> windows =
        whole ? full_windows(frames, states) : band_windows(frames, states, hint_frames, static_cast<int>(radius));
    if (windows.empty() && !whole) continue;
    const size_t bytes = back_pointer_bytes(windows);
    if (bytes > max_back_pointer_bytes) {
      // A wider band would take too much memory: keep the best path of this one, on an edge or not.
      r.capped = !best.empty();
      W2V2_CHECK(r.capped, "CTC alignment: no path of ", tokens.size(), " labels within ", r.radius,
                 " frames of the hints, and a wider search over ", frames, " frames would need ", bytes >> 20,
                 " MB");
      break;
    }
    ++r.passes;
    r.radius = radius;
    std::vector<int> state_at = viterbi_path(log_probs, frames, vocab, blank_id, tokens, windows);
    if (state_at.empty()) {
      if (whole) break;
      continue;
    }
    best = std::move(state_at);
    if (whole || !touches_band(best, windows)) break;
  }
  check_alignable(best, tokens.size(), frames);
  return hypothesis_of(log_probs, vocab, tokens, best);
}

}  // namespace w2v2
