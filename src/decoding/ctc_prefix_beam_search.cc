#include "decoding/ctc_prefix_beam_search.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <unordered_map>
#include <unordered_set>

#include "decoding/ctc_forced_aligner.h"

#include "common/error.h"

namespace w2v2 {
namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();
const double kLog3 = std::log(3.0);

// log(exp(a) + exp(b)), exact at -inf.
double log_add(double a, double b) {
  if (a == kNegInf) return b;
  if (b == kNegInf) return a;
  const double hi = std::max(a, b);
  return hi + std::log1p(std::exp(std::min(a, b) - hi));
}

// Prefixes as a tree: node 0 is the empty prefix, every other node one unit after its parent. Each node keeps
// its word state (what the WordScorer makes of its spelling), computed once before the node is made.
class PrefixTree {
 public:
  explicit PrefixTree(const WordState& root_word) {
    Node root;
    root.word = root_word;
    nodes_.push_back(root);
  }
  // The child of `parent` along `token`, or -1.
  int find_child(int parent, int token) const {
    for (int c = nodes_[static_cast<size_t>(parent)].first_child; c >= 0; c = nodes_[static_cast<size_t>(c)].next_sibling) {
      if (nodes_[static_cast<size_t>(c)].token == token) return c;
    }
    return -1;
  }
  int add_child(int parent, int token, const WordState& word, double bonus, int frame) {
    Node node;
    node.parent = parent;
    node.token = token;
    node.frame = frame;
    node.next_sibling = nodes_[static_cast<size_t>(parent)].first_child;
    node.bonus = bonus;
    node.word = word;
    const int id = static_cast<int>(nodes_.size());
    nodes_.push_back(node);
    nodes_[static_cast<size_t>(parent)].first_child = id;
    return id;
  }
  // Drops every node that is not on the path to one of `live` (the root stays) and renumbers the rest,
  // parents before children as before; `live` is rewritten with the new numbers. The tree otherwise keeps
  // every prefix the beam ever held: beam x frames nodes, ~2 million for a 20-minute file at beam 32.
  void compact(std::vector<int>& live) {
    std::vector<int> remap(nodes_.size(), -1);
    remap[0] = 0;
    for (const int leaf : live) {
      for (int n = leaf; n >= 0 && remap[static_cast<size_t>(n)] < 0; n = nodes_[static_cast<size_t>(n)].parent) {
        remap[static_cast<size_t>(n)] = 1;  // kept; numbered below
      }
    }
    std::vector<Node> kept;
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (remap[i] < 0) continue;
      remap[i] = static_cast<int>(kept.size());
      Node node = std::move(nodes_[i]);
      node.first_child = -1;
      node.next_sibling = -1;
      if (i > 0) {
        node.parent = remap[static_cast<size_t>(node.parent)];
        node.next_sibling = kept[static_cast<size_t>(node.parent)].first_child;
        kept[static_cast<size_t>(node.parent)].first_child = static_cast<int>(kept.size());
      }
      kept.push_back(std::move(node));
    }
    nodes_.swap(kept);
    for (int& n : live) n = remap[static_cast<size_t>(n)];
  }

  int token(int node) const { return nodes_[static_cast<size_t>(node)].token; }  // -1 for the empty prefix
  double bonus(int node) const { return nodes_[static_cast<size_t>(node)].bonus; }
  const WordState& word(int node) const { return nodes_[static_cast<size_t>(node)].word; }
  size_t size() const { return nodes_.size(); }
  std::vector<int> tokens(int node) const { return along_path(node, &Node::token); }
  // The frame at which each unit of the prefix was first emitted by some hypothesis (increasing): the
  // forced alignment's hints. (A node dropped by compaction and made again later carries the later frame.)
  std::vector<int> frames(int node) const { return along_path(node, &Node::frame); }

 private:
  struct Node {
    int parent = -1;
    int token = -1;
    int first_child = -1;
    int next_sibling = -1;
    int frame = -1;  // when the node was made: the frame its unit was first emitted
    double bonus = 0.0;  // the word-level score of this prefix (WordState::total), -inf when not allowed
    WordState word;
  };
  // One field of every node from the root's child down to `node`.
  std::vector<int> along_path(int node, int Node::*field) const {
    std::vector<int> out;
    for (; node > 0; node = nodes_[static_cast<size_t>(node)].parent) {
      out.push_back(nodes_[static_cast<size_t>(node)].*field);
    }
    std::reverse(out.begin(), out.end());
    return out;
  }

  std::vector<Node> nodes_;
};

// One hypothesis: a prefix and how its alignments end, with their summed log-probability.
struct Hypothesis {
  int node;
  bool ends_in_blank;
  double acoustic;
  double total;  // acoustic + the prefix's word-level bonus
};

// Where each (node, ending) already is in the next frame's hypotheses, valid when stamped with the frame.
class SlotIndex {
 public:
  int* slot(int node, bool blank, int frame) {
    const size_t key = static_cast<size_t>(node) * 2 + (blank ? 1 : 0);
    if (key >= stamps_.size()) {
      stamps_.resize(std::max(key + 1, stamps_.size() * 2), -1);
      slots_.resize(stamps_.size());
    }
    if (stamps_[key] != frame) {
      stamps_[key] = frame;
      slots_[key] = -1;
    }
    return &slots_[key];
  }

 private:
  std::vector<int> stamps_;
  std::vector<int> slots_;
};

// The prefixes one frame would add to the tree, made into nodes only if they survive the frame's pruning
// (most extensions do not: the tree stays about beam x frames nodes). Keyed by (parent, token).
class PendingChildren {
 public:
  struct Child {
    int parent;
    int token;
    int slot;  // its hypothesis in the next frame's list, or -1
    double bonus;
    WordState word;
  };

  void clear() {
    children_.clear();
    if (++frame_ == 0) std::fill(stamps_.begin(), stamps_.end(), 0), frame_ = 1;
  }
  // The child's index and whether it is new (then its fields are to be filled).
  std::pair<int, bool> find_or_add(int parent, int token) {
    if (children_.size() * 2 >= keys_.size()) grow();
    const uint64_t key = (static_cast<uint64_t>(parent) << 32) | static_cast<uint32_t>(token);
    size_t i = hash(key);
    while (stamps_[i] == frame_) {
      if (keys_[i] == key) return {values_[i], false};
      i = (i + 1) & (keys_.size() - 1);
    }
    stamps_[i] = frame_;
    keys_[i] = key;
    values_[i] = static_cast<int>(children_.size());
    children_.push_back(Child{parent, token, -1, 0.0, WordState{}});
    return {values_[i], true};
  }
  // The child's index, or -1 when this frame has not made it.
  int find(int parent, int token) const {
    if (keys_.empty()) return -1;
    const uint64_t key = (static_cast<uint64_t>(parent) << 32) | static_cast<uint32_t>(token);
    for (size_t i = hash(key); stamps_[i] == frame_; i = (i + 1) & (keys_.size() - 1)) {
      if (keys_[i] == key) return values_[i];
    }
    return -1;
  }
  Child& operator[](int i) { return children_[static_cast<size_t>(i)]; }

 private:
  // Fibonacci hashing: the top bits of the product depend on every bit of the key.
  size_t hash(uint64_t key) const { return static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_); }
  void grow() {
    const size_t size = std::max<size_t>(1024, keys_.size() * 2);
    shift_ = 64;
    for (size_t n = size; n > 1; n >>= 1) --shift_;
    keys_.assign(size, 0);
    values_.assign(size, 0);
    stamps_.assign(size, 0);
    frame_ = 1;
    for (size_t c = 0; c < children_.size(); ++c) {  // re-insert this frame's children
      const uint64_t key = (static_cast<uint64_t>(children_[c].parent) << 32) | static_cast<uint32_t>(children_[c].token);
      size_t i = hash(key);
      while (stamps_[i] == frame_) i = (i + 1) & (keys_.size() - 1);
      stamps_[i] = frame_;
      keys_[i] = key;
      values_[i] = static_cast<int>(c);
    }
  }

  std::vector<Child> children_;
  std::vector<uint64_t> keys_;
  std::vector<int> values_;
  std::vector<uint32_t> stamps_;
  uint32_t frame_ = 1;
  int shift_ = 64;  // 64 - log2(table size)
};

// The spelled text of a unit sequence, words separated by single spaces: transcripts that read the same.
std::string spelled_key(const std::vector<int>& tokens, const std::vector<UnitSpelling>& spellings) {
  std::string text;
  auto space = [&] {
    if (!text.empty() && text.back() != ' ') text.push_back(' ');
  };
  for (int t : tokens) {
    if (t < 0 || static_cast<size_t>(t) >= spellings.size()) continue;
    const UnitSpelling& unit = spellings[static_cast<size_t>(t)];
    if (unit.kind == UnitSpelling::Kind::kWordBoundary) space();
    if (unit.kind != UnitSpelling::Kind::kPiece) continue;
    if (unit.starts_word) space();
    text += unit.text;
  }
  if (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

// The non-blank tokens of one frame that may extend prefixes: those above the log-prob floor, the k likeliest
// when top-k is set, and always the frame's likeliest token (so that beam 1 follows the best path).
void candidate_tokens(const float* row, int vocab, int blank_id, const BeamSearchConfig& config,
                      std::vector<int>& tokens) {
  tokens.clear();
  int best = 0;
  for (int v = 1; v < vocab; ++v) {
    if (row[v] > row[best]) best = v;
  }
  for (int v = 0; v < vocab; ++v) {
    if (v == blank_id || row[v] == -std::numeric_limits<float>::infinity()) continue;
    if (row[v] >= config.token_min_log_prob || v == best) tokens.push_back(v);
  }
  std::sort(tokens.begin(), tokens.end(), [&](int a, int b) { return row[a] != row[b] ? row[a] > row[b] : a < b; });
  if (config.token_top_k > 0 && static_cast<int>(tokens.size()) > config.token_top_k) {
    tokens.resize(static_cast<size_t>(config.token_top_k));
  }
}

// The k-th best score among the next frame's hypotheses as they are made (a min-heap of k; merges into a
// hypothesis are not counted again, so this never exceeds the true k-th best). An extension whose best
// possible score is below it cannot enter the beam.
class BeamCutoff {
 public:
  explicit BeamCutoff(size_t k) : k_(k) {}
  void reset() { heap_.clear(); }
  double value() const { return heap_.size() < k_ ? kNegInf : heap_.front(); }
  void offer(double score) {
    if (heap_.size() < k_) {
      heap_.push_back(score);
      std::push_heap(heap_.begin(), heap_.end(), std::greater<double>());
    } else if (score > heap_.front()) {
      std::pop_heap(heap_.begin(), heap_.end(), std::greater<double>());
      heap_.back() = score;
      std::push_heap(heap_.begin(), heap_.end(), std::greater<double>());
    }
  }

 private:
  size_t k_;
  std::vector<double> heap_;
};

bool better(const Hypothesis& a, const Hypothesis& b) {
  if (a.total != b.total) return a.total > b.total;
  if (a.node != b.node) return a.node < b.node;
  return a.ends_in_blank && !b.ends_in_blank;
}

// Keeps the `keep` best hypotheses, and of those only the ones within `threshold` of the best (when > 0).
void prune(std::vector<Hypothesis>& hyps, size_t keep, double threshold) {
  if (hyps.size() > keep) {
    std::nth_element(hyps.begin(), hyps.begin() + static_cast<std::ptrdiff_t>(keep - 1), hyps.end(), better);
    hyps.resize(keep);
  }
  if (threshold > 0 && !hyps.empty()) {
    double best = kNegInf;
    for (const Hypothesis& h : hyps) best = std::max(best, h.total);
    const double floor = best - threshold;
    hyps.erase(std::remove_if(hyps.begin(), hyps.end(), [&](const Hypothesis& h) { return h.total < floor; }),
               hyps.end());
  }
}

// What the search ends with: the beam's prefixes as transcripts, best first.
struct SearchEnd {
  const PrefixTree& tree;
  const WordScorer* scorer;  // null: acoustic scores only
  const std::vector<UnitSpelling>& spellings;  // empty: transcripts told apart by their units
  int nbest;
  int blank_id;
};

std::vector<DecodedHypothesis> finish(const SearchEnd& end, const std::vector<Hypothesis>& beam,
                                      const float* log_probs, int frames, int vocab) {
  // Both endings of a prefix are one transcript: sum them, then add the word scores of the finished text.
  struct Final {
    int node;
    double acoustic;
    double bonus;
    double score() const { return acoustic + bonus; }
  };
  std::vector<Final> finals;
  std::unordered_map<int, size_t> index;
  for (const Hypothesis& h : beam) {
    const auto [it, added] = index.emplace(h.node, finals.size());
    if (added) {
      finals.push_back({h.node, h.acoustic, 0.0});
    } else {
      finals[it->second].acoustic = log_add(finals[it->second].acoustic, h.acoustic);
    }
  }
  if (end.scorer) {
    for (Final& f : finals) {
      WordState last;
      end.scorer->finish(end.tree.word(f.node), last);
      f.bonus = last.dead ? kNegInf : last.total();
    }
  }
  std::sort(finals.begin(), finals.end(), [](const Final& a, const Final& b) {
    return a.score() != b.score() ? a.score() > b.score() : a.node < b.node;
  });
  std::vector<DecodedHypothesis> out;
  std::unordered_set<std::string> seen;
  for (const Final& f : finals) {
    if (static_cast<int>(out.size()) >= end.nbest || f.score() == kNegInf) break;
    std::vector<int> units = end.tree.tokens(f.node);
    const std::string key = end.spellings.empty()
                                ? std::string(reinterpret_cast<const char*>(units.data()), units.size() * sizeof(int))
                                : spelled_key(units, end.spellings);
    if (!seen.insert(key).second) continue;  // reads as a better hypothesis already does
    DecodedHypothesis d;
    if (out.empty()) {  // word timings are the best transcript's; the others carry their units only
      AlignmentReport report;
      d.alignment = ctc_force_align(log_probs, frames, vocab, end.blank_id, units, end.tree.frames(f.node), &report);
      if (report.capped) {
        spdlog::warn("word timings: the alignment stopped widening at ±{} frames of where the beam emitted the "
                     "units (memory); timings of {} units over {} frames may be off where the band cut the path",
                     report.radius, units.size(), frames);
      }
    } else {
      d.alignment.tokens = std::move(units);
    }
    d.acoustic_score = f.acoustic;
    d.lm_score = f.bonus;
    d.score = f.score();
    out.push_back(std::move(d));
  }
  if (out.empty()) {  // nothing the lexicon allows survived: the empty transcript, scored by its one path
    DecodedHypothesis d;
    for (int t = 0; t < frames; ++t) d.acoustic_score += log_probs[static_cast<size_t>(t) * vocab + end.blank_id];
    d.score = d.acoustic_score;
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace

void BeamSearchConfig::validate() const {
  W2V2_CHECK_AS(ConfigError, beam_size >= 1 && beam_size <= 100000, "beam size must be in 1..100000; got ", beam_size);
  W2V2_CHECK_AS(ConfigError, token_top_k >= 0, "token top-k must not be negative (0 = all)");
  W2V2_CHECK_AS(ConfigError, !std::isnan(token_min_log_prob) && token_min_log_prob <= 0,
                "token log-prob floor must be <= 0 (or -inf)");
  W2V2_CHECK_AS(ConfigError, std::isfinite(beam_threshold) && beam_threshold >= 0,
                "beam threshold must be finite and >= 0 (0 = off)");
  W2V2_CHECK_AS(ConfigError, nbest >= 1 && nbest <= beam_size, "n-best must be in 1..beam size");
  W2V2_CHECK_AS(ConfigError, compaction_nodes >= 1, "compaction_nodes must be positive");
}

std::string BeamSearchConfig::to_string() const {
  return "BeamSearchConfig(beam=" + std::to_string(beam_size) + ", top_k=" + std::to_string(token_top_k) +
         ", min_log_prob=" + std::to_string(token_min_log_prob) + ", threshold=" + std::to_string(beam_threshold) +
         ", nbest=" + std::to_string(nbest) + ")";
}

CtcPrefixBeamSearch::CtcPrefixBeamSearch(int blank_id, BeamSearchConfig config,
                                         std::shared_ptr<const WordScorer> scorer)
    : blank_id_(blank_id), config_(std::move(config)), scorer_(std::move(scorer)) {
  config_.validate();
  W2V2_CHECK_AS(ConfigError, blank_id_ >= 0, "blank id must not be negative");
  if (scorer_) {
    spellings_ = scorer_->spellings();
    score_words_ = scorer_->scores_anything();
  }
}

std::vector<DecodedHypothesis> CtcPrefixBeamSearch::decode(const float* log_probs, int frames, int vocab) const {
  W2V2_CHECK(frames >= 0 && vocab > blank_id_, "beam search: invalid shape (", frames, ", ", vocab, ") for blank ",
             blank_id_);
  W2V2_CHECK(frames == 0 || log_probs != nullptr, "beam search: null log-probs");
  const WordScorer* scorer = score_words_ ? scorer_.get() : nullptr;
  PrefixTree tree(scorer ? scorer->initial() : WordState{});
  SlotIndex slots;
  PendingChildren pending;
  // Hypotheses of prefixes not yet in the tree have node -1 - (their PendingChildren index).
  std::vector<Hypothesis> beam{{0, true, 0.0, tree.bonus(0)}};
  std::vector<Hypothesis> next;
  std::vector<int> tokens;
  const size_t keep = static_cast<size_t>(config_.beam_size);
  BeamCutoff cutoff(keep);
  const size_t min_compaction = static_cast<size_t>(config_.compaction_nodes);
  size_t compact_at = min_compaction;
  std::vector<int> live;
  for (int t = 0; t < frames; ++t) {
    const float* row = log_probs + static_cast<size_t>(t) * vocab;
    candidate_tokens(row, vocab, blank_id_, config_, tokens);
    next.clear();
    pending.clear();
    auto merge_into = [&](int* slot, int node, bool blank, double acoustic, double bonus) {
      if (*slot >= 0) {
        Hypothesis& h = next[static_cast<size_t>(*slot)];
        h.acoustic = log_add(h.acoustic, acoustic);
        h.total = h.acoustic + bonus;
      } else {
        *slot = static_cast<int>(next.size());
        next.push_back({node, blank, acoustic, acoustic + bonus});
        cutoff.offer(acoustic + bonus);
      }
    };
    // `weak`: only merge into a hypothesis that exists (see below).
    auto add = [&](int node, bool blank, double acoustic, bool weak = false) {
      const double bonus = tree.bonus(node);
      if (bonus == kNegInf) return;  // spelled outside the lexicon
      int* slot = slots.slot(node, blank, t);
      if (weak && *slot < 0) return;
      merge_into(slot, node, blank, acoustic, bonus);
    };
    // Best hypotheses and likeliest tokens first, so that the cutoff rises early and skips most extensions.
    std::sort(beam.begin(), beam.end(), better);
    cutoff.reset();
    for (size_t i = 0; i < beam.size(); ++i) {
      const Hypothesis h = beam[i];
      add(h.node, true, h.acoustic + row[blank_id_]);  // a blank: the prefix stays
      const int last = tree.token(h.node);
      for (const int c : tokens) {
        const double p = h.acoustic + row[c];
        // Whether this extension alone is too weak to make a new hypothesis: it still merges into one that
        // exists. A hypothesis gets at most 3 non-blank contributions per frame, hence the log 3 margin: a
        // hypothesis whose every contribution was skipped could not have reached the beam.
        const bool weak = h.total + row[c] + (scorer ? scorer->max_gain(c) : 0.0) + kLog3 < cutoff.value();
        if (c == last && !h.ends_in_blank) {
          add(h.node, false, p, weak);  // the last label's run goes on
          continue;
        }
        // A new label (after a blank, the same token again is one).
        const int child = tree.find_child(h.node, c);
        if (child >= 0) {
          add(child, false, p, weak);
          continue;
        }
        if (weak) {
          const int index = pending.find(h.node, c);
          if (index >= 0 && pending[index].slot >= 0) merge_into(&pending[index].slot, -1 - index, false, p, pending[index].bonus);
          continue;
        }
        const auto [index, added] = pending.find_or_add(h.node, c);
        PendingChildren::Child& pc = pending[index];
        if (added) {
          if (scorer) {
            scorer->extend(tree.word(h.node), c, pc.word);
            pc.bonus = pc.word.dead ? kNegInf : pc.word.total();
          }
        }
        if (pc.bonus == kNegInf) continue;
        merge_into(&pc.slot, -1 - index, false, p, pc.bonus);
      }
    }
    prune(next, keep, config_.beam_threshold);
    for (Hypothesis& h : next) {  // the survivors become nodes
      if (h.node >= 0) continue;
      const PendingChildren::Child& pc = pending[-1 - h.node];
      h.node = tree.add_child(pc.parent, pc.token, pc.word, pc.bonus, t);
    }
    beam.swap(next);
    if (tree.size() > compact_at) {  // amortized: the tree at most doubles between compactions
      live.clear();
      for (const Hypothesis& h : beam) live.push_back(h.node);
      tree.compact(live);
      for (size_t i = 0; i < beam.size(); ++i) beam[i].node = live[i];
      compact_at = 2 * tree.size() + min_compaction;
    }
  }
  const SearchEnd end{tree, scorer, spellings_, config_.nbest, blank_id_};
  return finish(end, beam, log_probs, frames, vocab);
}


}  // namespace w2v2
