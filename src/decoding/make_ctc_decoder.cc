#include "decoding/make_ctc_decoder.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "common/error.h"
#include "decoding/ctc_greedy_decoder.h"
#include "decoding/ctc_prefix_beam_search.h"
#include "decoding/hotword_graph.h"
#include "decoding/word_list_files.h"
#include "decoding/word_scorer.h"
#include "lm/load_language_model.h"

namespace w2v2 {

std::unique_ptr<CtcDecoder> make_ctc_decoder(const DecodingConfig& resolved, const Detokenizer& detokenizer,
                                             int blank_id) {
  W2V2_CHECK(resolved.decoder != DecoderKind::kAuto, "make_ctc_decoder: the decoding config is not resolved");
  if (resolved.decoder == DecoderKind::kGreedy) return std::make_unique<CtcGreedyDecoder>(blank_id);

  std::vector<UnitSpelling> spellings = detokenizer.spellings();
  std::shared_ptr<const LanguageModel> lm;
  if (!resolved.lm.empty()) {
    const auto start = std::chrono::steady_clock::now();
    lm = load_language_model(resolved.lm);
    std::string counts;
    for (int n = 1; n <= lm->order(); ++n) counts += (n > 1 ? " / " : "") + std::to_string(lm->ngram_count(n));
    spdlog::info("language model {}: order {}, {} n-grams, loaded in {:.2f} s", resolved.lm, lm->order(), counts,
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::vector<std::string> lexicon;
  if (!resolved.lexicon.empty()) lexicon = read_lexicon(resolved.lexicon, spellings);
  std::shared_ptr<HotwordGraph> graph;
  std::vector<std::string> hotword_words;
  if (!resolved.hotwords.empty()) {
    graph = std::make_shared<HotwordGraph>();
    for (const Hotword& h : read_hotwords(resolved.hotwords, spellings, resolved.hotword_boost)) {
      graph->add(h.phrase, h.boost);
      for (size_t at = 0; at <= h.phrase.size();) {
        const size_t space = std::min(h.phrase.find(' ', at), h.phrase.size());
        hotword_words.push_back(h.phrase.substr(at, space - at));
        at = space + 1;
      }
    }
    graph->finalize();
  }
  WordScorerConfig weights;
  weights.lm_weight = resolved.lm_weight.value_or(weights.lm_weight);
  weights.word_score = resolved.word_score.value_or(weights.word_score);
  weights.unk_score_offset = resolved.unk_score_offset.value_or(weights.unk_score_offset);
  weights.score_boundary = resolved.score_boundary.value_or(weights.score_boundary);
  weights.lookahead = resolved.lm_lookahead;
  auto scorer = std::make_shared<WordScorer>(std::move(spellings), std::move(lm), weights, lexicon, graph,
                                             hotword_words);
  return std::make_unique<CtcPrefixBeamSearch>(blank_id, resolved.beam, std::move(scorer));
}

}  // namespace w2v2
