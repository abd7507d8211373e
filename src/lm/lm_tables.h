#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lm/language_model.h"

namespace w2v2 {

// The compact n-gram layout shared by a model built from an ARPA file and a memory-mapped .w2lm file.
//
// A backward trie: an n-gram "w1 .. wn" (oldest word first, as ARPA writes it) is stored in order n under its
// parent, the (n-1)-gram "w2 .. wn" (its suffix), with word w1. Entries of order n are sorted by (parent index,
// word), so the children of an entry are the range [first_child, next entry's first_child) of the next order,
// sorted by word and searched by bisection. Scoring w after "h1 h2 .." (newest first) walks w, h1 w, h2 h1 w, ...
// Unigrams are indexed by word id (entry i is word i; 0 is <unk>, added with log10 prob -100 when the ARPA has
// none). Orders 1 .. max(1, order - 1) hold LmInnerEntry with one extra sentinel entry at the end whose
// first_child is the next order's count; the highest order (when order >= 2) holds LmLeafEntry.
struct LmInnerEntry {  // 16 bytes
  LmWordId word;       // w1 of the n-gram (its id); for unigrams the entry's own id
  float log10_prob;
  float log10_backoff;  // -0.0f marks "backoff 0 and the n-gram extends no longer n-gram": dropped from states
  uint32_t first_child;
};
struct LmLeafEntry {  // 8 bytes
  LmWordId word;
  float log10_prob;
};
static_assert(sizeof(LmInnerEntry) == 16 && sizeof(LmLeafEntry) == 8);

constexpr LmWordId kLmNoWord = 0xffffffffu;  // <s> / </s> absent
constexpr float kLmMissingUnknownLog10Prob = -100.0f;

// True when the n-gram must stay in a state: it is the context of a longer n-gram or has a non-zero backoff.
inline bool lm_extends(const LmInnerEntry& e) {
  return !(e.log10_backoff == 0.0f && std::signbit(e.log10_backoff));
}

// Read-only views of the tables (into an LmTableStorage or a mapped file). The vocabulary is a string pool
// (word i is chars[offsets[i] .. offsets[i + 1])) and an open-addressing hash table of `hash_size` (a power of
// two) slots holding id + 1 (0 = empty), probed linearly from lm_word_hash(word) & (hash_size - 1).
struct LmTables {
  int order = 0;
  uint64_t counts[kMaxLmOrder] = {};            // entries per order (order 1 includes an added <unk>)
  const LmInnerEntry* inner[kMaxLmOrder] = {};  // orders 1 .. inner_orders(), counts[i] + 1 entries each
  const LmLeafEntry* leaf = nullptr;            // order `order` when order >= 2
  const uint32_t* word_offsets = nullptr;       // counts[0] + 1
  const char* word_chars = nullptr;
  uint64_t word_chars_size = 0;
  const uint32_t* hash_slots = nullptr;
  uint64_t hash_size = 0;
  LmWordId bos = kLmNoWord;
  LmWordId eos = kLmNoWord;
  bool unknown_from_arpa = false;  // the ARPA had <unk> (else it was added)

  int inner_orders() const { return order >= 2 ? order - 1 : 1; }
  uint32_t vocabulary_size() const { return static_cast<uint32_t>(counts[0]); }
  std::string_view word(LmWordId id) const {
    return {word_chars + word_offsets[id], word_offsets[id + 1] - word_offsets[id]};
  }
  LmWordId find_word(std::string_view word) const;  // kLmNoWord when absent
  // The child of entry `parent` of order n (1-based, n < order) with `word`, as an index into order n + 1, or
  // kLmNoWord.
  uint32_t find_child(int n, uint32_t parent, LmWordId word) const;

  // Checks every index a lookup follows (first_child ranges, string offsets, hash slots, <s>/</s> ids), so
  // that no lookup reads outside the tables. Returns the first problem, or "" when the tables are sound.
  std::string check() const;
};

uint64_t lm_word_hash(std::string_view word);

// Tables owned in memory: what an ARPA file is built into, and what .w2lm files are written from.
struct LmTableStorage {
  int order = 0;
  std::vector<LmInnerEntry> inner[kMaxLmOrder];
  std::vector<LmLeafEntry> leaf;
  std::vector<uint32_t> word_offsets;
  std::string word_chars;
  std::vector<uint32_t> hash_slots;
  LmWordId bos = kLmNoWord;
  LmWordId eos = kLmNoWord;
  bool unknown_from_arpa = false;

  // Fills hash_slots from word_offsets / word_chars (2 slots or more per word).
  void build_hash();
  LmTables view() const;
};

}  // namespace w2v2
