#include "lm/ngram_language_model.h"

#include <utility>

namespace w2v2 {

NgramLanguageModel::NgramLanguageModel(const LmTables& tables, std::shared_ptr<const void> owner, std::string source)
    : tables_(tables), owner_(std::move(owner)), source_(std::move(source)) {
  if (tables_.bos != kLmNoWord && tables_.order >= 2 && lm_extends(tables_.inner[0][tables_.bos])) {
    begin_state_.words[0] = tables_.bos;
    begin_state_.length = 1;
  }
}

LmWordId NgramLanguageModel::word_id(std::string_view word) const {
  const LmWordId id = tables_.find_word(word);
  return id == kLmNoWord ? kLmUnknownWord : id;
}

float NgramLanguageModel::score(const LmState& in, LmWordId word, LmState& out) const {
  const LmTables& t = tables_;
  const uint32_t vocabulary = t.vocabulary_size();
  if (word >= vocabulary) word = kLmUnknownWord;
  const int context = std::min<int>(in.length, t.order - 1);
  LmWordId history[kMaxLmOrder - 1];
  for (int i = 0; i < context; ++i) history[i] = in.words[i] < vocabulary ? in.words[i] : kLmUnknownWord;

  // The longest n-gram "h_matched .. h1 word": walk word, h1 word, h2 h1 word, ... The state keeps the longest
  // of these (up to order - 1 words) that extends.
  const LmInnerEntry* unigram = &t.inner[0][word];
  float log10_prob = unigram->log10_prob;
  int matched = 0;     // context words matched
  int state_length = lm_extends(*unigram) && t.order >= 2 ? 1 : 0;
  uint32_t node = word;  // index in order matched + 1
  for (int n = 1; n <= context; ++n) {  // node is in order n; look for its child h_n in order n + 1
    const uint32_t child = t.find_child(n, node, history[n - 1]);
    if (child == kLmNoWord) break;
    node = child;
    matched = n;
    if (n + 1 == t.order) {
      log10_prob = t.leaf[child].log10_prob;
    } else {
      const LmInnerEntry& entry = t.inner[n][child];
      log10_prob = entry.log10_prob;
      if (lm_extends(entry)) state_length = n + 1;
    }
  }

  // Backoffs of the contexts longer than the match: "h_{matched+1} .. h1", ..., "h_context .. h1".
  if (matched < context) {
    uint32_t c = history[0];
    if (matched == 0) log10_prob += t.inner[0][c].log10_backoff;
    for (int n = 1; n < context; ++n) {  // c is "h_n .. h1" in order n
      c = t.find_child(n, c, history[n]);
      if (c == kLmNoWord) break;  // a state that is not an n-gram (not made by this model): no more backoff
      if (n + 1 > matched) log10_prob += t.inner[n][c].log10_backoff;
    }
  }

  LmState next;
  next.length = static_cast<uint8_t>(state_length);
  if (state_length > 0) {
    next.words[0] = word;
    for (int i = 1; i < state_length; ++i) next.words[i] = history[i - 1];
  }
  out = next;
  return log10_prob;
}

float NgramLanguageModel::end_sentence_score(const LmState& in) const {
  LmState ignored;
  return score(in, tables_.eos == kLmNoWord ? kLmUnknownWord : tables_.eos, ignored);
}

void NgramLanguageModel::for_each_unigram(
    const std::function<void(std::string_view word, float log10_prob)>& visit) const {
  const LmTables& t = tables_;
  for (LmWordId id = 1; id < t.vocabulary_size(); ++id) {
    if (id == t.bos || id == t.eos) continue;
    visit(t.word(id), t.inner[0][id].log10_prob);
  }
}

uint64_t NgramLanguageModel::ngram_count(int n) const {
  return n >= 1 && n <= tables_.order ? tables_.counts[n - 1] : 0;
}

uint64_t NgramLanguageModel::table_bytes() const {
  const LmTables& t = tables_;
  uint64_t bytes = 0;
  for (int n = 1; n <= t.inner_orders(); ++n) bytes += (t.counts[n - 1] + 1) * sizeof(LmInnerEntry);
  if (t.order >= 2) bytes += t.counts[t.order - 1] * sizeof(LmLeafEntry);
  bytes += (t.counts[0] + 1) * sizeof(uint32_t) + t.word_chars_size + t.hash_size * sizeof(uint32_t);
  return bytes;
}

}  // namespace w2v2
