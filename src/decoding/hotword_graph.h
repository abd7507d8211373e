#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace w2v2 {

// Hotword phrases as an Aho-Corasick automaton over the bytes of the transcript, words separated by single
// spaces (" NEW YORK " for the phrase "NEW YORK": phrases match whole words only). Each byte matched inside
// a phrase earns its share of the phrase's boost at once (so the beam keeps a hotword while it is being
// spelled, as sherpa-onnx's context graph does); a mismatch falls back along the failure links and the
// unfinished share is taken back; a completed phrase keeps its whole boost. Where one phrase is a prefix
// of another, the shorter completes first. Build with add() then finalize(); lookups are const.
class HotwordGraph {
 public:
  static constexpr int kRoot = 0;

  HotwordGraph();

  // `phrase`: words separated by single spaces, no leading/trailing space; `boost` > 0 (natural log).
  void add(std::string_view phrase, double boost);
  void finalize();  // before the first lookup; no add() after

  int start() const { return start_; }                // the state at the beginning of a transcript
  int next(int state, unsigned char byte) const;     // follows failure links
  double partial(int state) const { return nodes_[static_cast<size_t>(state)].partial; }
  // Whether a phrase ends here (this node's own, or one that is a suffix of it), and the boost it earns.
  bool completes(int state) const { return nodes_[static_cast<size_t>(state)].complete > 0; }
  double completed_boost(int state) const { return nodes_[static_cast<size_t>(state)].complete; }
  size_t phrases() const { return phrases_; }
  double max_boost() const { return max_boost_; }  // the largest phrase boost

 private:
  struct Node {
    std::vector<std::pair<unsigned char, int>> children;  // sorted by byte after finalize()
    int fail = 0;
    double partial = 0.0;   // boost earned by the bytes matched so far (the best phrase through this node)
    double complete = 0.0;  // boost of the phrase that ends here (or of a suffix phrase), 0 for none
  };
  int child(int state, unsigned char byte) const;

  std::vector<Node> nodes_;
  int start_ = 0;
  size_t phrases_ = 0;
  double max_boost_ = 0.0;
  bool final_ = false;
};

}  // namespace w2v2
