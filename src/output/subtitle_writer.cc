#include "output/subtitle_writer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace w2v2 {

std::vector<SubtitleCue> make_cues(const std::vector<WordTiming>& words, double max_seconds, size_t max_chars,
                                   double max_gap_seconds) {
  std::vector<SubtitleCue> cues;
  for (const WordTiming& w : words) {
    if (!cues.empty()) {
      SubtitleCue& cue = cues.back();
      const bool fits = w.start_seconds - cue.end_seconds <= max_gap_seconds &&
                        w.end_seconds - cue.start_seconds <= max_seconds &&
                        cue.text.size() + 1 + w.word.size() <= max_chars;
      if (fits) {
        cue.text += " " + w.word;
        cue.end_seconds = w.end_seconds;
        continue;
      }
    }
    cues.push_back({w.start_seconds, w.end_seconds, w.word});
  }
  return cues;
}

std::string format_timestamp(double seconds, char decimal_separator) {
  const long long ms = std::llround(std::max(0.0, seconds) * 1000.0);
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%02lld:%02lld:%02lld%c%03lld", ms / 3600000, ms / 60000 % 60, ms / 1000 % 60,
                decimal_separator, ms % 1000);
  return buffer;
}

std::string to_srt(const std::vector<SubtitleCue>& cues) {
  std::string out;
  for (size_t i = 0; i < cues.size(); ++i) {
    out += std::to_string(i + 1) + "\n" + format_timestamp(cues[i].start_seconds, ',') + " --> " +
           format_timestamp(cues[i].end_seconds, ',') + "\n" + cues[i].text + "\n\n";
  }
  return out;
}

std::string to_vtt(const std::vector<SubtitleCue>& cues) {
  std::string out = "WEBVTT\n\n";
  for (const SubtitleCue& cue : cues) {
    out += format_timestamp(cue.start_seconds, '.') + " --> " + format_timestamp(cue.end_seconds, '.') + "\n" +
           cue.text + "\n\n";
  }
  return out;
}

}  // namespace w2v2
