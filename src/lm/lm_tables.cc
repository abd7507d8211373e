#include "lm/lm_tables.h"

#include <cmath>
#include <cstring>

namespace w2v2 {
namespace {

template <typename Entry>
uint32_t bisect(const Entry* entries, uint32_t begin, uint32_t end, LmWordId word) {
  while (begin < end) {
    const uint32_t middle = begin + (end - begin) / 2;
    const LmWordId found = entries[middle].word;
    if (found == word) return middle;
    if (found < word) {
      begin = middle + 1;
    } else {
      end = middle;
    }
  }
  return kLmNoWord;
}

std::string order_name(int n) { return std::to_string(n) + "-grams"; }

}  // namespace

uint64_t lm_word_hash(std::string_view word) {  // FNV-1a, then a final mix: part of the .w2lm format
  uint64_t h = 0xcbf29ce484222325ull;
  for (const char c : word) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9ull;
  return h ^ (h >> 32);
}

LmWordId LmTables::find_word(std::string_view word) const {
  const uint64_t mask = hash_size - 1;
  for (uint64_t slot = lm_word_hash(word) & mask;; slot = (slot + 1) & mask) {
    const uint32_t value = hash_slots[slot];
    if (value == 0) return kLmNoWord;
    if (this->word(value - 1) == word) return value - 1;
  }
}

uint32_t LmTables::find_child(int n, uint32_t parent, LmWordId word) const {
  const LmInnerEntry* entries = inner[n - 1];
  const uint32_t begin = entries[parent].first_child;
  const uint32_t end = entries[parent + 1].first_child;
  if (n + 1 == order) return bisect(leaf, begin, end, word);
  return bisect(inner[n], begin, end, word);
}

std::string LmTables::check() const {
  if (order < 1 || order > kMaxLmOrder) return "order " + std::to_string(order) + " is not in 1.." + std::to_string(kMaxLmOrder);
  if (counts[0] < 1 || counts[0] >= kLmNoWord) return "the vocabulary size " + std::to_string(counts[0]) + " is out of range";
  for (int n = 1; n <= kMaxLmOrder; ++n) {
    if (n > order && counts[n - 1] != 0) return order_name(n) + " in an order-" + std::to_string(order) + " model";
    if (counts[n - 1] >= kLmNoWord) return "too many " + order_name(n);
  }
  const uint32_t vocabulary = vocabulary_size();
  // The string pool: offsets rise from 0 to its size.
  if (word_offsets[0] != 0 || word_offsets[vocabulary] != word_chars_size) return "word offsets do not span the word strings";
  for (uint32_t i = 0; i < vocabulary; ++i) {
    if (word_offsets[i + 1] < word_offsets[i]) return "word offsets decrease at word " + std::to_string(i);
  }
  // The hash table: a power of two with at least one empty slot (so probing stops), values in range.
  if (hash_size == 0 || (hash_size & (hash_size - 1)) != 0) return "hash table size is not a power of two";
  uint64_t empty = 0;
  for (uint64_t i = 0; i < hash_size; ++i) {
    if (hash_slots[i] == 0) ++empty;
    else if (hash_slots[i] > vocabulary) return "hash slot " + std::to_string(i) + " names no word";
  }
  if (empty == 0) return "hash table has no empty slot";
  // Child ranges: rising first_child, the sentinel at the next order's count.
  for (int n = 1; n <= inner_orders(); ++n) {
    const LmInnerEntry* entries = inner[n - 1];
    const uint64_t children = n < order ? counts[n] : 0;
    uint32_t previous = 0;
    for (uint64_t i = 0; i <= counts[n - 1]; ++i) {
      if (entries[i].first_child < previous) return order_name(n) + ": child index decreases at entry " + std::to_string(i);
      previous = entries[i].first_child;
    }
    if (previous != children) return order_name(n) + ": child indices do not end at the " + order_name(n + 1) + "' count";
  }
  // Values: probabilities finite and <= 0, backoffs finite (a NaN would poison every score after it).
  auto bad_prob = [](float p) { return !std::isfinite(p) || p > 0.0f; };
  for (int n = 1; n <= inner_orders(); ++n) {
    for (uint64_t i = 0; i < counts[n - 1]; ++i) {
      const LmInnerEntry& e = inner[n - 1][i];
      if (bad_prob(e.log10_prob) || !std::isfinite(e.log10_backoff)) {
        return order_name(n) + ": entry " + std::to_string(i) + " has a probability or backoff out of range";
      }
    }
  }
  if (order >= 2) {
    for (uint64_t i = 0; i < counts[order - 1]; ++i) {
      if (bad_prob(leaf[i].log10_prob)) return order_name(order) + ": entry " + std::to_string(i) + " has a probability out of range";
    }
  }
  if (bos != kLmNoWord && bos >= vocabulary) return "<s> id out of range";
  if (eos != kLmNoWord && eos >= vocabulary) return "</s> id out of range";
  return {};
}

void LmTableStorage::build_hash() {
  const uint64_t words = word_offsets.empty() ? 0 : word_offsets.size() - 1;
  uint64_t size = 4;
  while (size < 2 * words + 1) size *= 2;
  hash_slots.assign(size, 0);
  const uint64_t mask = size - 1;
  for (uint64_t id = 0; id < words; ++id) {
    const std::string_view word(word_chars.data() + word_offsets[id], word_offsets[id + 1] - word_offsets[id]);
    uint64_t slot = lm_word_hash(word) & mask;
    while (hash_slots[slot] != 0) slot = (slot + 1) & mask;
    hash_slots[slot] = static_cast<uint32_t>(id + 1);
  }
}

LmTables LmTableStorage::view() const {
  LmTables t;
  t.order = order;
  t.counts[0] = word_offsets.empty() ? 0 : word_offsets.size() - 1;
  const int inner_orders = order >= 2 ? order - 1 : 1;
  for (int n = 1; n <= inner_orders; ++n) {
    t.inner[n - 1] = inner[n - 1].data();
    if (n > 1) t.counts[n - 1] = inner[n - 1].empty() ? 0 : inner[n - 1].size() - 1;
  }
  if (order >= 2) {
    t.leaf = leaf.data();
    t.counts[order - 1] = leaf.size();
  }
  t.word_offsets = word_offsets.data();
  t.word_chars = word_chars.data();
  t.word_chars_size = word_chars.size();
  t.hash_slots = hash_slots.data();
  t.hash_size = hash_slots.size();
  t.bos = bos;
  t.eos = eos;
  t.unknown_from_arpa = unknown_from_arpa;
  return t;
}

}  // namespace w2v2
