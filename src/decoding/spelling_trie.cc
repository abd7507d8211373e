#include "decoding/spelling_trie.h"

#include <algorithm>
#include <limits>
#include <tuple>

#include "common/error.h"

namespace w2v2 {
namespace {
constexpr float kNoWord = -std::numeric_limits<float>::infinity();
}

SpellingTrie::SpellingTrie() { nodes_.push_back(Node{0, 0, kLmUnknownWord, kNoWord, false, false}); }

void SpellingTrie::insert(std::string_view word, LmWordId id, float log10_prob, bool exempt) {
  W2V2_CHECK(!final_, "SpellingTrie: insert after finalize");
  if (word.empty()) return;
  int node = kRoot;
  for (const char c : word) {
    const uint64_t key = (static_cast<uint64_t>(node) << 8) | static_cast<unsigned char>(c);
    const auto [it, added] = building_.emplace(key, static_cast<int>(nodes_.size()));
    if (added) nodes_.push_back(Node{0, 0, kLmUnknownWord, kNoWord, false, false});
    node = it->second;
  }
  Node& end = nodes_[static_cast<size_t>(node)];
  if (!end.is_word) ++words_;
  if (!end.is_word || log10_prob > end.best_log10) {
    end.word_id = id;
    end.best_log10 = std::max(end.best_log10, log10_prob);
  }
  end.is_word = true;
  end.exempt = end.exempt || exempt;
}

void SpellingTrie::finalize() {
  if (final_) return;
  // (parent, byte, child), sorted: each node's edges become one sorted run.
  std::vector<std::tuple<int, unsigned char, int>> edges;
  edges.reserve(building_.size());
  for (const auto& [key, child] : building_) {
    edges.emplace_back(static_cast<int>(key >> 8), static_cast<unsigned char>(key & 0xff), child);
  }
  building_.clear();
  std::sort(edges.begin(), edges.end());
  edge_bytes_.resize(edges.size());
  edge_nodes_.resize(edges.size());
  for (size_t i = 0; i < edges.size(); ++i) {
    const auto [parent, byte, child] = edges[i];
    Node& p = nodes_[static_cast<size_t>(parent)];
    if (p.edge_count == 0) p.first_edge = static_cast<uint32_t>(i);
    ++p.edge_count;
    edge_bytes_[i] = byte;
    edge_nodes_[i] = child;
  }
  // Children always have larger indices than their parents: visit nodes from the last to the first.
  std::vector<int> parent_of(nodes_.size(), -1);
  for (size_t i = 0; i < edges.size(); ++i) parent_of[static_cast<size_t>(edge_nodes_[i])] = std::get<0>(edges[i]);
  for (size_t n = nodes_.size(); n-- > 1;) {
    const int parent = parent_of[n];
    float& best = nodes_[static_cast<size_t>(parent)].best_log10;
    best = std::max(best, nodes_[n].best_log10);
  }
  final_ = true;
}

int SpellingTrie::next(int node, unsigned char byte) const {
  const Node& n = nodes_[static_cast<size_t>(node)];
  const unsigned char* begin = edge_bytes_.data() + n.first_edge;
  const unsigned char* end = begin + n.edge_count;
  const unsigned char* it = std::lower_bound(begin, end, byte);
  if (it == end || *it != byte) return kNone;
  return edge_nodes_[static_cast<size_t>(it - edge_bytes_.data())];
}

}  // namespace w2v2
