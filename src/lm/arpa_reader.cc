#include "lm/arpa_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <set>
#include <unordered_set>
#include <vector>

#include <spdlog/spdlog.h>

#include "common/error.h"
#include "lm/gzip_text.h"

namespace w2v2 {
namespace {

constexpr uint64_t kMaxCount = 0xfffffff0ull;  // indices are 32-bit

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (is_space(s.front()) || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (is_space(s.back()) || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// At most 60 bytes of a line for a message, with control bytes shown as '?'.
std::string excerpt(std::string_view s) {
  std::string out(s.substr(0, 60));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return s.size() > 60 ? "'" + out + "...'" : "'" + out + "'";
}

bool parse_float(std::string_view s, float& value) {
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, value);
  return ec == std::errc() && ptr == end;
}

bool parse_count(std::string_view s, uint64_t& value) {
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, value);
  return ec == std::errc() && ptr == end && !s.empty();
}

std::string section_name(int n) { return "\\" + std::to_string(n) + "-grams:"; }

struct Record {  // an n-gram of order >= 2 before sorting
  uint64_t key;  // parent (the suffix's index) << 32 | first word
  float log10_prob;
  float log10_backoff;
  uint32_t line;
};

// While building: (parent index, word) -> index of the n-grams of one order, so that finding an n-gram's suffix
// and context costs one probe per word instead of a bisection of a child range (random accesses into
// arrays of millions of entries dominated parsing). Open addressing, linear probing; freed after parsing.
class ChildIndex {
 public:
  void build(const std::vector<Record>& sorted) {
    uint64_t size = 16;
    while (size < 2 * sorted.size()) size *= 2;
    shift_ = 64 - __builtin_ctzll(size);
    slots_.assign(size, Slot{kEmpty, 0});
    for (size_t i = 0; i < sorted.size(); ++i) {
      uint64_t at = position(sorted[i].key);
      while (slots_[at].key != kEmpty) at = (at + 1) & (size - 1);
      slots_[at] = {sorted[i].key, static_cast<uint32_t>(i)};
    }
  }
  uint32_t find(uint32_t parent, LmWordId word) const {
    if (slots_.empty()) return kLmNoWord;
    const uint64_t key = static_cast<uint64_t>(parent) << 32 | word;
    for (uint64_t at = position(key);; at = (at + 1) & (slots_.size() - 1)) {
      if (slots_[at].key == key) return slots_[at].index;
      if (slots_[at].key == kEmpty) return kLmNoWord;
    }
  }

 private:
  struct Slot {  // key and value in one cache line
    uint64_t key;
    uint32_t index;
  };
  static constexpr uint64_t kEmpty = ~uint64_t{0};  // parents are below 2^32 - 16: no key is all ones
  uint64_t position(uint64_t key) const { return (key * 0x9e3779b97f4a7c15ull) >> shift_; }
  std::vector<Slot> slots_;
  int shift_ = 60;
};

class ArpaParser {
 public:
  // `added`: for a second pass, the n-grams (per order, ids oldest first) to add to their sections.
  ArpaParser(std::string_view text, const std::string& name, const std::set<std::string>* added = nullptr)
      : text_(text), name_(name), added_(added) {}

  // After run(): the n-grams a longer one needed as suffix or context and the file lacks (empty: the tables
  // are complete). A first pass skips the n-grams that need them; a second one, given them, adds them.
  void take_missing(std::set<std::string> (&into)[kMaxLmOrder]) {
    for (int n = 0; n < kMaxLmOrder; ++n) into[n] = std::move(missing_[n]);
  }
  bool complete() const {
    for (const auto& m : missing_) {
      if (!m.empty()) return false;
    }
    return true;
  }

  LmTableStorage run() {
    check_no_nul();
    read_header();
    read_unigrams();
    for (int n = 2; n <= order_; ++n) read_ngrams(n);
    read_end();
    return std::move(storage_);
  }

 private:
  [[noreturn]] void fail(uint64_t line, const std::string& what) const {
    throw LanguageModelError(name_ + ":" + std::to_string(line) + ": " + what);
  }

  // The next line (without '\n' and a trailing '\r'); false at the end of the text.
  bool next_line(std::string_view& line) {
    if (pos_ >= text_.size()) return false;
    const char* begin = text_.data() + pos_;
    const void* newline = std::memchr(begin, '\n', text_.size() - pos_);
    const size_t length = newline ? static_cast<const char*>(newline) - begin : text_.size() - pos_;
    pos_ += length + 1;
    ++line_number_;
    line = std::string_view(begin, length);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return true;
  }

  // The next line that is not blank; false at the end.
  bool next_nonblank(std::string_view& line) {
    while (next_line(line)) {
      if (!trim(line).empty()) return true;
    }
    return false;
  }

  void check_no_nul() {
    const void* nul = std::memchr(text_.data(), '\0', text_.size());
    if (nul == nullptr) return;
    const size_t offset = static_cast<const char*>(nul) - text_.data();
    const uint64_t line = 1 + std::count(text_.data(), text_.data() + offset, '\n');
    fail(line, "binary data (a NUL byte): not an ARPA text file");
  }

  void read_header() {
    std::string_view line;
    if (!next_nonblank(line)) fail(std::max<uint64_t>(line_number_, 1), "no '\\data\\' line: the file is empty or blank, not an ARPA file");
    if (trim(line) != "\\data\\") fail(line_number_, "expected '\\data\\' (an ARPA file starts with it), found " + excerpt(line));
    for (;;) {
      const size_t before = pos_;
      const uint64_t line_before = line_number_;
      if (!next_line(line)) break;
      const std::string_view t = trim(line);
      if (t.empty() && order_ > 0) break;
      if (t.empty()) continue;
      if (t.front() == '\\') {  // a section starts: give the line back
        pos_ = before;
        line_number_ = line_before;
        break;
      }
      if (t.substr(0, 5) != "ngram" || t.size() < 6 || !is_space(t[5])) {
        fail(line_number_, "expected 'ngram N=COUNT' in the \\data\\ section, found " + excerpt(line));
      }
      const std::string_view rest = trim(t.substr(5));
      const size_t equals = rest.find('=');
      uint64_t n = 0;
      uint64_t count = 0;
      if (equals == std::string_view::npos || !parse_count(trim(rest.substr(0, equals)), n) ||
          !parse_count(trim(rest.substr(equals + 1)), count)) {
        fail(line_number_, "expected 'ngram N=COUNT' in the \\data\\ section, found " + excerpt(line));
      }
      if (n != static_cast<uint64_t>(order_) + 1) {
        fail(line_number_, "expected 'ngram " + std::to_string(order_ + 1) + "=COUNT', found " + excerpt(line));
      }
      if (n > kMaxLmOrder) fail(line_number_, "order " + std::to_string(n) + " is above the largest supported, " + std::to_string(kMaxLmOrder));
      if (count > kMaxCount) fail(line_number_, "too many " + std::to_string(n) + "-grams (" + std::to_string(count) + ")");
      declared_[order_] = count;
      ++order_;
    }
    if (order_ == 0) fail(line_number_ + 1, "no 'ngram N=COUNT' line after '\\data\\'");
    storage_.order = order_;
  }

  // Skips blank lines to the section header "\n-grams:".
  void expect_section(int n) {
    std::string_view line;
    if (!next_nonblank(line)) {
      fail(line_number_ + 1, "the file ends before the " + section_name(n) + " section (truncated?)");
    }
    if (trim(line) != section_name(n)) fail(line_number_, "expected '" + section_name(n) + "', found " + excerpt(line));
  }

  // Splits an n-gram line into the probability, n words and the optional backoff; checks the values.
  void split(int n, std::string_view line, float& prob, std::string_view* words, float& backoff) {
    std::string_view fields[kMaxLmOrder + 2];
    int count = 0;
    const char* p = line.data();
    const char* end = p + line.size();
    while (p < end) {
      while (p < end && is_space(*p)) ++p;
      if (p == end) break;
      const char* start = p;
      while (p < end && !is_space(*p)) ++p;
      if (count == n + 2) {
        count = n + 3;  // too many
        break;
      }
      fields[count++] = std::string_view(start, p - start);
    }
    const bool backoff_allowed = n < order_;
    if (count < n + 1 || count > n + 2 || (count == n + 2 && !backoff_allowed)) {
      const int words_found = count - 1;
      fail(line_number_, "an n-gram of the wrong order in the " + section_name(n) + " section: expected a log10 probability and " +
                             std::to_string(n) + (n == 1 ? " word" : " words") + (backoff_allowed ? " [and a backoff]" : "") +
                             ", found " + (count > n + 2 ? "more fields" : std::to_string(std::max(words_found, 0)) + " after the probability") +
                             " in " + excerpt(line) + (pos_ >= text_.size() ? " (the file ends here: truncated?)" : ""));
    }
    if (!parse_float(fields[0], prob)) fail(line_number_, "expected a log10 probability, found " + excerpt(fields[0]));
    if (!std::isfinite(prob)) fail(line_number_, "the log10 probability " + std::string(fields[0]) + " is not finite");
    if (prob > 0.0f) fail(line_number_, "the log10 probability " + std::string(fields[0]) + " is positive (a probability above 1)");
    for (int i = 0; i < n; ++i) words[i] = fields[i + 1];
    backoff = -0.0f;  // none: "backoff 0, extends nothing" until a longer n-gram names it as context
    if (count == n + 2) {
      if (!parse_float(fields[n + 1], backoff)) {
        fail(line_number_, "an n-gram of the wrong order in the " + section_name(n) + " section: " + std::to_string(n + 1) +
                               " words, or a backoff that is not a number, in " + excerpt(line));
      }
      if (!std::isfinite(backoff)) fail(line_number_, "the log10 backoff " + std::string(fields[n + 1]) + " is not finite");
      if (backoff == 0.0f) backoff = -0.0f;
    }
  }

  // Ends a section: the line that ended it (blank, a '\' line, or the end) and the count check.
  void finish_section(int n, uint64_t got, bool at_end) {
    if (got != declared_[n - 1]) {
      fail(line_number_, "the " + section_name(n) + " section has " + std::to_string(got) + " n-grams but \\data\\ declares " +
                             std::to_string(declared_[n - 1]) + (at_end ? " (the file ends here: truncated?)" : ""));
    }
  }

  // Reads section lines until a blank line, a '\' line (given back) or the end; calls `each` per n-gram line.
  template <typename Each>
  void read_section(int n, Each&& each) {
    expect_section(n);
    uint64_t got = 0;
    std::string_view line;
    for (;;) {
      const size_t before = pos_;
      const uint64_t line_before = line_number_;
      if (!next_line(line)) {
        finish_section(n, got, true);
        return;
      }
      const std::string_view t = trim(line);
      if (t.empty()) break;
      if (t.front() == '\\') {
        pos_ = before;
        line_number_ = line_before;
        break;
      }
      if (got == declared_[n - 1]) {
        fail(line_number_, "more n-grams in the " + section_name(n) + " section than the " + std::to_string(declared_[n - 1]) +
                               " \\data\\ declares");
      }
      ++got;
      each(line);
    }
    finish_section(n, got, false);
  }

  LmWordId find_word(std::string_view word) const {
    const uint64_t mask = storage_.hash_slots.size() - 1;
    for (uint64_t slot = lm_word_hash(word) & mask;; slot = (slot + 1) & mask) {
      const uint32_t value = storage_.hash_slots[slot];
      if (value == 0) return kLmNoWord;
      const uint32_t id = value - 1;
      const std::string_view known(storage_.word_chars.data() + storage_.word_offsets[id],
                                   storage_.word_offsets[id + 1] - storage_.word_offsets[id]);
      if (known == word) return id;
    }
  }

  LmWordId add_word(std::string_view word) {
    const auto id = static_cast<LmWordId>(storage_.word_offsets.size() - 1);
    storage_.word_chars.append(word);
    storage_.word_offsets.push_back(static_cast<uint32_t>(storage_.word_chars.size()));
    if (storage_.hash_slots.size() < 2 * (storage_.word_offsets.size() - 1) + 1) {
      storage_.build_hash();  // grows to 2 slots per word or more
    } else {
      const uint64_t mask = storage_.hash_slots.size() - 1;
      uint64_t slot = lm_word_hash(word) & mask;
      while (storage_.hash_slots[slot] != 0) slot = (slot + 1) & mask;
      storage_.hash_slots[slot] = id + 1;
    }
    return id;
  }

  void read_unigrams() {
    // Word 0 is <unk>, with -100 until the file gives it.
    storage_.word_offsets.push_back(0);
    const uint64_t expected = std::min<uint64_t>(declared_[0], text_.size() / 4) + 1;
    storage_.word_chars.reserve(expected * 8);
    storage_.word_offsets.reserve(expected + 1);
    std::vector<LmInnerEntry>& unigrams = storage_.inner[0];
    unigrams.reserve(expected + 1);
    storage_.hash_slots.assign(4, 0);
    add_word("<unk>");
    unigrams.push_back({kLmUnknownWord, kLmMissingUnknownLog10Prob, -0.0f, 0});
    std::vector<uint32_t> lines(1, 0);
    lines.reserve(expected);
    if (storage_.word_chars.size() > 0xffffffffull) fail(line_number_, "word strings too long");
    read_section(1, [&](std::string_view line) {
      float prob = 0;
      float backoff = 0;
      std::string_view word;
      split(1, line, prob, &word, backoff);
      LmWordId id = find_word(word);
      if (id == kLmUnknownWord && !storage_.unknown_from_arpa) {
        storage_.unknown_from_arpa = true;
      } else if (id != kLmNoWord) {
        fail(line_number_, "duplicate 1-gram '" + std::string(word) + "' (also on line " + std::to_string(lines[id]) + ")");
      } else {
        if (storage_.word_chars.size() + word.size() > 0xffffffffull) fail(line_number_, "word strings too long");
        id = add_word(word);
        unigrams.push_back({});
        lines.push_back(0);
      }
      unigrams[id] = {id, prob, backoff, 0};
      lines[id] = static_cast<uint32_t>(line_number_);
    });
    unigrams.push_back({kLmNoWord, 0.0f, 0.0f, 0});  // sentinel
    storage_.bos = find_word("<s>");
    storage_.eos = find_word("</s>");
  }

  // The index in order `n` of the n-gram whose words, newest first, are ids[0..n): the unigram ids[0], then
  // its children. kLmNoWord when absent. Orders up to n are complete.
  uint32_t find_ngram(const LmWordId* newest_first, int n) const {
    uint32_t node = newest_first[0];
    for (int level = 1; level < n && node != kLmNoWord; ++level) node = children_[level].find(node, newest_first[level]);
    return node;
  }

  std::string words_text(const std::string_view* words, int count) const {
    std::string s;
    for (int i = 0; i < count; ++i) s += (i ? " " : "") + std::string(words[i]);
    return "'" + s + "'";
  }

  static std::string tuple_key(const LmWordId* oldest_first, int n) {
    return std::string(reinterpret_cast<const char*>(oldest_first), sizeof(LmWordId) * n);
  }

  // Whether the n-gram (ids oldest first) is in the tables, or in the file but skipped, or already missing.
  bool known(const LmWordId* oldest_first, int n) const {
    LmWordId newest_first[kMaxLmOrder] = {};
    for (int i = 0; i < n; ++i) newest_first[i] = oldest_first[n - 1 - i];
    if (find_ngram(newest_first, n) != kLmNoWord) return true;
    const std::string key = tuple_key(oldest_first, n);
    return skipped_[n - 1].count(key) != 0 || missing_[n - 1].count(key) != 0;
  }

  // Records an n-gram a longer one needs (as suffix or context) when the file lacks it, and then what it needs.
  void require(const LmWordId* oldest_first, int n) {
    if (n < 2 || known(oldest_first, n)) return;
    missing_[n - 1].insert(tuple_key(oldest_first, n));
    require(oldest_first + 1, n - 1);
    require(oldest_first, n - 1);
  }

  // log10 P(v_k | v_1 .. v_k-1) from the orders below k (complete): the longest n-gram "v_j .. v_k" there, plus
  // the backoffs of the contexts longer than its own. An n-gram added with this probability and backoff 0
  // scores every query exactly as its absence does.
  float backed_off(const LmWordId* oldest_first, int k) const {
    LmWordId nf[kMaxLmOrder];  // newest first
    for (int i = 0; i < k; ++i) nf[i] = oldest_first[k - 1 - i];
    uint32_t node = nf[0];
    float prob = storage_.inner[0][node].log10_prob;
    int matched = 1;  // words of the longest n-gram found, v_k included
    for (int level = 1; level < k - 1; ++level) {
      node = children_[level].find(node, nf[level]);
      if (node == kLmNoWord) break;
      prob = storage_.inner[level][node].log10_prob;
      matched = level + 1;
    }
    uint32_t context = nf[1];  // "v_k-m .. v_k-1", m words, in order m
    for (int m = 1; m <= k - 1; ++m) {
      if (m > 1) context = children_[m - 1].find(context, nf[m]);
      if (context == kLmNoWord) break;
      if (m >= matched) prob += storage_.inner[m - 1][context].log10_backoff;
    }
    return prob;
  }

  void read_ngrams(int n) {
    const bool highest = n == order_;
    std::vector<Record> records;
    records.reserve(std::min<uint64_t>(declared_[n - 1], text_.size() / 8));
    LmWordId previous_context[kMaxLmOrder] = {};  // oldest first, as in the file
    uint32_t previous_context_index = kLmNoWord;
    std::vector<LmInnerEntry>& contexts = storage_.inner[n - 2];
    read_section(n, [&](std::string_view line) {
      float prob = 0;
      float backoff = 0;
      std::string_view words[kMaxLmOrder];
      split(n, line, prob, words, backoff);
      LmWordId ids[kMaxLmOrder];  // oldest first
      for (int i = 0; i < n; ++i) {
        ids[i] = find_word(words[i]);
        if (ids[i] == kLmNoWord) {
          fail(line_number_, "the word '" + std::string(words[i]) + "' of " + words_text(words, n) + " is not a 1-gram");
        }
      }
      // The suffix "w2 .. wn" is the parent; newest first: wn, .., w2.
      LmWordId newest_first[kMaxLmOrder] = {};
      for (int i = 0; i < n - 1; ++i) newest_first[i] = ids[n - 1 - i];
      const uint32_t parent = find_ngram(newest_first, n - 1);
      // The context "w1 .. w(n-1)" now extends (to this n-gram); consecutive lines usually share it.
      const bool new_context = previous_context_index == kLmNoWord || !std::equal(ids, ids + n - 1, previous_context);
      if (new_context) {
        for (int i = 0; i < n - 1; ++i) newest_first[i] = ids[n - 2 - i];
        previous_context_index = find_ngram(newest_first, n - 1);
      }
      if (parent == kLmNoWord || previous_context_index == kLmNoWord) {
        // The suffix or the context is not an (n-1)-gram: the first pass notes what to add and skips the line.
        if (added_ != nullptr) {
          fail(line_number_, "internal error: " + words_text(words, n) + " lacks its suffix or context after they were added");
        }
        require(ids + 1, n - 1);
        require(ids, n - 1);
        skipped_[n - 1].insert(tuple_key(ids, n));
        return;
      }
      if (new_context) {
        std::copy(ids, ids + n - 1, previous_context);
        float& context_backoff = contexts[previous_context_index].log10_backoff;
        if (context_backoff == 0.0f) context_backoff = 0.0f;  // +0: extends
      }
      records.push_back({static_cast<uint64_t>(parent) << 32 | ids[0], prob, backoff, static_cast<uint32_t>(line_number_)});
    });
    if (added_ != nullptr) {
      for (const std::string& key : added_[n - 1]) {  // n-grams longer ones need: probability by backoff, backoff 0
        LmWordId ids[kMaxLmOrder];
        std::memcpy(ids, key.data(), key.size());
        LmWordId newest_first[kMaxLmOrder] = {};
        for (int i = 0; i < n - 1; ++i) newest_first[i] = ids[n - 1 - i];
        const uint32_t parent = find_ngram(newest_first, n - 1);
        for (int i = 0; i < n - 1; ++i) newest_first[i] = ids[n - 2 - i];
        const uint32_t context = find_ngram(newest_first, n - 1);
        if (parent == kLmNoWord || context == kLmNoWord) {
          fail(line_number_, "internal error: an added n-gram lacks its suffix or context");
        }
        float& context_backoff = contexts[context].log10_backoff;
        if (context_backoff == 0.0f) context_backoff = 0.0f;  // +0: extends (to the added n-gram)
        records.push_back({static_cast<uint64_t>(parent) << 32 | ids[0], backed_off(ids, n), -0.0f, 0});
      }
    }

    auto by_key = [](const Record& a, const Record& b) { return a.key < b.key; };
    if (!std::is_sorted(records.begin(), records.end(), by_key)) std::sort(records.begin(), records.end(), by_key);
    for (size_t i = 1; i < records.size(); ++i) {
      if (records[i].key == records[i - 1].key) {
        const uint32_t first = std::min(records[i].line, records[i - 1].line);
        const uint32_t second = std::max(records[i].line, records[i - 1].line);
        fail(second, "duplicate " + std::to_string(n) + "-gram (also on line " + std::to_string(first) + ")");
      }
    }
    // The parents' child ranges.
    size_t next = 0;
    for (size_t p = 0; p < contexts.size(); ++p) {
      while (next < records.size() && (records[next].key >> 32) < p) ++next;
      contexts[p].first_child = static_cast<uint32_t>(next);
    }
    if (!highest) children_[n - 1].build(records);  // order n, for the suffixes and contexts of order n + 1
    if (highest) {
      storage_.leaf.reserve(records.size());
      for (const Record& r : records) storage_.leaf.push_back({static_cast<LmWordId>(r.key), r.log10_prob});
    } else {
      std::vector<LmInnerEntry>& entries = storage_.inner[n - 1];
      entries.reserve(records.size() + 1);
      for (const Record& r : records) entries.push_back({static_cast<LmWordId>(r.key), r.log10_prob, r.log10_backoff, 0});
      entries.push_back({kLmNoWord, 0.0f, 0.0f, 0});  // sentinel
    }
  }

  void read_end() {
    std::string_view line;
    if (!next_nonblank(line)) fail(line_number_ + 1, "missing '\\end\\' after the n-gram sections (truncated file?)");
    if (trim(line) != "\\end\\") fail(line_number_, "expected '\\end\\' after the " + section_name(order_) + " section, found " + excerpt(line));
  }

  std::string_view text_;
  const std::string& name_;
  size_t pos_ = 0;
  uint64_t line_number_ = 0;
  int order_ = 0;
  uint64_t declared_[kMaxLmOrder] = {};
  LmTableStorage storage_;
  ChildIndex children_[kMaxLmOrder];  // [n - 1]: the n-grams of order n >= 2 by (parent, word)
  const std::set<std::string>* added_;        // second pass: [n - 1] the n-grams to add to order n
  std::set<std::string> missing_[kMaxLmOrder];  // first pass: [n - 1] n-grams of order n the file lacks
  std::unordered_set<std::string> skipped_[kMaxLmOrder];  // first pass: lines not built for want of those
};

}  // namespace

LmTableStorage ArpaReader::parse(std::string_view text, const std::string& name) {
  std::set<std::string> missing[kMaxLmOrder];
  {
    ArpaParser first(text, name);
    LmTableStorage storage = first.run();
    if (first.complete()) return storage;
    first.take_missing(missing);
  }  // the first pass's tables and indices are freed before the second
  size_t added = 0;
  for (const auto& m : missing) added += m.size();
  spdlog::warn("{}: {} n-grams are the suffix or context of longer ones but not in the file; added with their backoff "
               "probability and backoff 0 (scores unchanged)", name, added);
  return ArpaParser(text, name, missing).run();
}

LmTableStorage ArpaReader::read_file(const std::string& path) {
  const std::string text = read_maybe_gzipped_file(path);
  return parse(text, path);
}

}  // namespace w2v2
