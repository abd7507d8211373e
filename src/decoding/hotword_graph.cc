#include "decoding/hotword_graph.h"

#include <algorithm>
#include <deque>

#include "common/error.h"

namespace w2v2 {

HotwordGraph::HotwordGraph() : nodes_(1) {}

void HotwordGraph::add(std::string_view phrase, double boost) {
  W2V2_CHECK(!final_, "HotwordGraph: add after finalize");
  W2V2_CHECK(!phrase.empty() && boost > 0, "HotwordGraph: empty phrase or boost <= 0");
  const std::string pattern = " " + std::string(phrase) + " ";
  const double share = boost / static_cast<double>(pattern.size() - 1);  // per byte after the leading space
  int state = kRoot;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const auto byte = static_cast<unsigned char>(pattern[i]);
    int next = -1;
    for (const auto& [b, c] : nodes_[static_cast<size_t>(state)].children) {
      if (b == byte) next = c;
    }
    if (next < 0) {
      next = static_cast<int>(nodes_.size());
      nodes_[static_cast<size_t>(state)].children.emplace_back(byte, next);
      nodes_.emplace_back();
    }
    state = next;
    Node& node = nodes_[static_cast<size_t>(state)];
    node.partial = std::max(node.partial, share * static_cast<double>(i));
  }
  Node& end = nodes_[static_cast<size_t>(state)];
  end.complete = std::max(end.complete, boost);
  ++phrases_;
  max_boost_ = std::max(max_boost_, boost);
}

int HotwordGraph::child(int state, unsigned char byte) const {
  const auto& children = nodes_[static_cast<size_t>(state)].children;
  const auto it = std::lower_bound(children.begin(), children.end(), std::make_pair(byte, -1));
  return it != children.end() && it->first == byte ? it->second : -1;
}

void HotwordGraph::finalize() {
  if (final_) return;
  for (Node& node : nodes_) std::sort(node.children.begin(), node.children.end());
  // Failure links, breadth first: the longest proper suffix of a node's bytes that is also a node.
  std::deque<int> queue;
  for (const auto& [byte, c] : nodes_[kRoot].children) {
    nodes_[static_cast<size_t>(c)].fail = kRoot;
    queue.push_back(c);
  }
  while (!queue.empty()) {
    const int state = queue.front();
    queue.pop_front();
    for (const auto& [byte, c] : nodes_[static_cast<size_t>(state)].children) {
      int f = nodes_[static_cast<size_t>(state)].fail;
      while (f != kRoot && child(f, byte) < 0) f = nodes_[static_cast<size_t>(f)].fail;
      const int target = child(f, byte);
      Node& node = nodes_[static_cast<size_t>(c)];
      node.fail = target >= 0 && target != c ? target : kRoot;
      // A phrase that ends as a suffix of this node's bytes ends here too (its fail node is shallower, so
      // breadth-first order has settled it already).
      node.complete = std::max(node.complete, nodes_[static_cast<size_t>(node.fail)].complete);
      queue.push_back(c);
    }
  }
  final_ = true;
  start_ = next(kRoot, ' ');
}

int HotwordGraph::next(int state, unsigned char byte) const {
  for (;;) {
    const int c = child(state, byte);
    if (c >= 0) return c;
    if (state == kRoot) return kRoot;
    state = nodes_[static_cast<size_t>(state)].fail;
  }
}

}  // namespace w2v2
