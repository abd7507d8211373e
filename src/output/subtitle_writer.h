#pragma once

#include <string>
#include <vector>

#include "output/utterance_result.h"

namespace w2v2 {

struct SubtitleCue {
  double start_seconds = 0.0;
  double end_seconds = 0.0;
  std::string text;
};

// Groups timed words into subtitle cues: a cue ends before a pause longer than `max_gap_seconds`, or
// before it would last longer than `max_seconds` or hold more than `max_chars` characters.
std::vector<SubtitleCue> make_cues(const std::vector<WordTiming>& words, double max_seconds = 6.0,
                                   size_t max_chars = 42, double max_gap_seconds = 0.8);

// "HH:MM:SS,mmm" (SubRip) or "HH:MM:SS.mmm" (WebVTT), rounded to the millisecond.
std::string format_timestamp(double seconds, char decimal_separator);

std::string to_srt(const std::vector<SubtitleCue>& cues);  // numbered cues, blank-line separated
std::string to_vtt(const std::vector<SubtitleCue>& cues);  // "WEBVTT" header, then cues

}  // namespace w2v2
