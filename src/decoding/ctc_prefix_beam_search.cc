#include "decoding/ctc_prefix_beam_search.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <unordered_map>

#include "common/error.h"

namespace w2v2 {
namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

// log(exp(a) + exp(b)), exact at -inf.
double log_add(double a, double b) {
  if (a == kNegInf) return b;
  if (b == kNegInf) return a;
  const double hi = std::max(a, b);
  return hi + std::log1p(std::exp(std::min(a, b) - hi));
}

// Prefixes as a tree: node 0 is the empty prefix, every other node one token after its parent.
class PrefixTree {
 public:
  PrefixTree() : nodes_{{-1, -1}} {}
  int child(int parent, int token) {
    const uint64_t key = (static_cast<uint64_t>(parent) << 32) | static_cast<uint32_t>(token);
    const auto [it, added] = children_.emplace(key, static_cast<int>(nodes_.size()));
    if (added) nodes_.push_back({parent, token});
    return it->second;
  }
  int token(int node) const { return nodes_[node].token; }  // -1 for the empty prefix
  std::vector<int> tokens(int node) const {
    std::vector<int> out;
    for (; node > 0; node = nodes_[node].parent) out.push_back(nodes_[node].token);
    std::reverse(out.begin(), out.end());
    return out;
  }

 private:
  struct Node {
    int parent;
    int token;
  };
  std::vector<Node> nodes_;
  std::unordered_map<uint64_t, int> children_;
};

// A prefix's log-probabilities: alignments so far ending in a blank, and ending in its last token.
struct PrefixScore {
  double blank = kNegInf;
  double token = kNegInf;
  double total() const { return log_add(blank, token); }
};

// The non-blank tokens of one frame that may extend prefixes, likeliest first.
std::vector<int> candidate_tokens(const float* row, int vocab, int blank_id, const BeamSearchConfig& config) {
  std::vector<int> tokens;
  for (int v = 0; v < vocab; ++v) {
    if (v != blank_id && row[v] >= config.token_min_log_prob && row[v] > -std::numeric_limits<float>::infinity()) {
      tokens.push_back(v);
    }
  }
  std::stable_sort(tokens.begin(), tokens.end(), [&](int a, int b) { return row[a] > row[b]; });
  if (config.token_top_k > 0 && static_cast<int>(tokens.size()) > config.token_top_k) tokens.resize(config.token_top_k);
  return tokens;
}

// The `keep` best prefixes (and within `threshold` of the best when it is > 0), best first; ties by node.
std::vector<std::pair<int, PrefixScore>> best_prefixes(const std::unordered_map<int, PrefixScore>& scores, size_t keep,
                                                       double threshold) {
  std::vector<std::pair<int, PrefixScore>> beam;
  for (const auto& entry : scores) {
    if (entry.second.total() > kNegInf) beam.push_back(entry);  // no alignment reaches it
  }
  auto better = [](const auto& a, const auto& b) {
    const double ta = a.second.total(), tb = b.second.total();
    return ta != tb ? ta > tb : a.first < b.first;
  };
  if (beam.size() > keep) {
    std::partial_sort(beam.begin(), beam.begin() + static_cast<std::ptrdiff_t>(keep), beam.end(), better);
    beam.resize(keep);
  } else {
    std::sort(beam.begin(), beam.end(), better);
  }
  if (threshold > 0 && !beam.empty()) {
    const double floor = beam.front().second.total() - threshold;
    while (beam.size() > 1 && beam.back().second.total() < floor) beam.pop_back();
  }
  return beam;
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
}

std::string BeamSearchConfig::to_string() const {
  return "BeamSearchConfig(beam=" + std::to_string(beam_size) + ", top_k=" + std::to_string(token_top_k) +
         ", min_log_prob=" + std::to_string(token_min_log_prob) + ", threshold=" + std::to_string(beam_threshold) +
         ", nbest=" + std::to_string(nbest) + ")";
}

CtcPrefixBeamSearch::CtcPrefixBeamSearch(int blank_id, BeamSearchConfig config)
    : blank_id_(blank_id), config_(std::move(config)) {
  config_.validate();
  W2V2_CHECK_AS(ConfigError, blank_id_ >= 0, "blank id must not be negative");
}

std::vector<ScoredHypothesis> CtcPrefixBeamSearch::decode(const float* log_probs, int frames, int vocab) const {
  W2V2_CHECK(frames >= 0 && vocab > blank_id_, "beam search: invalid shape (", frames, ", ", vocab, ") for blank ",
             blank_id_);
  W2V2_CHECK(frames == 0 || log_probs != nullptr, "beam search: null log-probs");
  PrefixTree tree;
  std::vector<std::pair<int, PrefixScore>> beam{{0, PrefixScore{0.0, kNegInf}}};
  for (int t = 0; t < frames; ++t) {
    const float* row = log_probs + static_cast<size_t>(t) * vocab;
    const double blank = row[blank_id_];
    const std::vector<int> tokens = candidate_tokens(row, vocab, blank_id_, config_);
    std::unordered_map<int, PrefixScore> next;
    next.reserve(beam.size() * (tokens.size() + 1));
    for (const auto& [node, score] : beam) {
      const double total = score.total();
      PrefixScore& same = next[node];
      same.blank = log_add(same.blank, total + blank);  // a blank: the prefix stays
      const int last = tree.token(node);
      for (int c : tokens) {
        const double p = row[c];
        const int longer = tree.child(node, c);
        if (c == last) {
          // The same token again: it continues the last label, or after a blank starts a new one.
          same.token = log_add(same.token, score.token + p);
          if (score.blank > kNegInf) next[longer].token = log_add(next[longer].token, score.blank + p);
        } else {
          next[longer].token = log_add(next[longer].token, total + p);
        }
      }
    }
    beam = best_prefixes(next, static_cast<size_t>(config_.beam_size), config_.beam_threshold);
  }
  std::vector<ScoredHypothesis> out;
  for (size_t k = 0; k < beam.size() && static_cast<int>(k) < config_.nbest; ++k) {
    out.push_back({tree.tokens(beam[k].first), beam[k].second.total()});
  }
  return out;
}

}  // namespace w2v2
