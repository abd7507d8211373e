#include "decoding/word_aligner.h"

#include <cctype>

#include "common/error.h"
#include "metrics/edit_distance.h"  // split_words

namespace w2v2 {
std::vector<WordTiming> align_words(const CtcHypothesis& hypothesis, const Detokenizer& detokenizer,
                                    double frame_seconds) {
  const size_t n = hypothesis.tokens.size();
  W2V2_CHECK(hypothesis.frames.size() == n && hypothesis.end_frames.size() == n && hypothesis.probabilities.size() == n,
             "align_words: hypothesis fields disagree in length");
  const std::vector<std::string> words = split_words(detokenizer.detokenize(hypothesis.tokens));
  std::vector<WordTiming> out(words.size());
  std::vector<double> weighted(words.size(), 0.0);  // sum of probability x frames
  std::vector<int> counted(words.size(), 0);        // frames
  std::vector<bool> seen(words.size(), false);
  std::vector<int> prefix;
  std::string previous_text;
  for (size_t k = 0; k < n; ++k) {
    // The unit belongs to the last word of the text so far, if it changed that text and the text does not
    // end in whitespace (a delimiter).
    prefix.push_back(hypothesis.tokens[k]);
    const std::string text = detokenizer.detokenize(prefix);
    const bool changed = text != previous_text;
    previous_text = text;
    if (!changed || text.empty() || std::isspace(static_cast<unsigned char>(text.back()))) continue;
    const size_t w = split_words(text).size() - 1;
    if (w >= words.size()) continue;  // a detokenizer whose prefixes disagree with the whole (defensive)
    const int start = hypothesis.frames[k];
    const int end = hypothesis.end_frames[k];
    if (!seen[w]) {
      out[w].start_seconds = start * frame_seconds;
      seen[w] = true;
    }
    out[w].end_seconds = end * frame_seconds;
    weighted[w] += static_cast<double>(hypothesis.probabilities[k]) * (end - start);
    counted[w] += end - start;
  }
  for (size_t w = 0; w < words.size(); ++w) {
    out[w].word = words[w];
    out[w].confidence = counted[w] > 0 ? weighted[w] / counted[w] : 0.0;
  }
  return out;
}

}  // namespace w2v2
