#include "pipeline/word_aligner.h"

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
  // The unit belongs to the last word of the text so far, if it changed that text and the text does not end
  // in whitespace (a delimiter). The text so far is detokenized from the unit where the current word began,
  // not from the start (that was quadratic: minutes for an hour-long file): `offset` is the index of the
  // first word of that partial text.
  std::vector<int> partial;
  size_t offset = 0;
  size_t last_word = words.size();  // none yet
  std::string previous_text;
  for (size_t k = 0; k < n; ++k) {
    partial.push_back(hypothesis.tokens[k]);
    const std::string text = detokenizer.detokenize(partial);
    const bool changed = text != previous_text;
    previous_text = text;
    if (!changed || text.empty() || std::isspace(static_cast<unsigned char>(text.back()))) continue;
    const size_t w = offset + split_words(text).size() - 1;
    if (w != last_word && partial.size() > 1) {
      // A new word began at unit k: restart the partial text there when the unit alone says where it is.
      std::vector<int> alone{hypothesis.tokens[k]};
      std::string alone_text = detokenizer.detokenize(alone);
      const size_t alone_words = split_words(alone_text).size();
      if (alone_words >= 1 && alone_words <= w + 1 &&
          !std::isspace(static_cast<unsigned char>(alone_text.back()))) {
        partial = std::move(alone);
        previous_text = std::move(alone_text);
        offset = w + 1 - alone_words;
      }
    }
    last_word = w;
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
