#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lm/language_model.h"

namespace w2v2 {

// The words a decoder may complete, as a byte trie: each node is a word prefix, knows whether it is a whole
// word (and its LM id), and the best unigram log10 probability of any word below it (lookahead). Build with
// insert() then finalize(); lookups are const and thread-safe. Children are stored sorted per node (CSR).
class SpellingTrie {
 public:
  static constexpr int kRoot = 0;
  static constexpr int kNone = -1;

  SpellingTrie();

  // Adds a word (UTF-8 bytes). A word inserted twice keeps its best probability, and is exempt from the
  // unknown-word offset when either insertion says so.
  void insert(std::string_view word, LmWordId id, float log10_prob, bool exempt = false);
  void finalize();  // before the first lookup; no insert() after

  int next(int node, unsigned char byte) const;  // the child along `byte`, or kNone
  bool is_word(int node) const { return nodes_[static_cast<size_t>(node)].is_word; }
  bool is_exempt(int node) const { return nodes_[static_cast<size_t>(node)].exempt; }
  LmWordId word_id(int node) const { return nodes_[static_cast<size_t>(node)].word_id; }
  float best_log10(int node) const { return nodes_[static_cast<size_t>(node)].best_log10; }
  size_t size() const { return nodes_.size(); }
  size_t words() const { return words_; }

 private:
  struct Node {
    uint32_t first_edge = 0;  // edges [first_edge, first_edge + edge_count) after finalize()
    uint32_t edge_count = 0;
    LmWordId word_id = kLmUnknownWord;
    float best_log10;
    bool is_word = false;
    bool exempt = false;  // a word the user asked for (hotword): no unknown-word offset
  };
  std::vector<Node> nodes_;
  std::vector<unsigned char> edge_bytes_;  // sorted per node
  std::vector<int> edge_nodes_;
  std::unordered_map<uint64_t, int> building_;  // (node << 8 | byte) -> child, until finalize()
  size_t words_ = 0;
  bool final_ = false;
};

}  // namespace w2v2
