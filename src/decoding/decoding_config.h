#pragma once

#include <optional>
#include <string>

#include "decoding/ctc_prefix_beam_search.h"

namespace w2v2 {

enum class DecoderKind {
  kAuto,    // beam search when there is a language model (--lm or the model's language_model/), a lexicon or
            // hotwords; else greedy
  kGreedy,  // best path (no LM: the model's language_model/ is not read; --lm FILE, --lexicon, --hotwords
            // are ignored with a warning)
  kBeam,    // CTC prefix beam search, with the language model when there is one
};
const char* to_string(DecoderKind kind);                          // "auto", "greedy", "beam"
bool parse_decoder_kind(const std::string& text, DecoderKind& kind);  // false for anything else

// How transcripts are decoded from the model's CTC output (--decoder and its flags). The optional fields
// take their value from the model folder's language_model/attrs.json (Hugging Face Wav2Vec2ProcessorWithLM)
// when unset, else the defaults below; resolve() makes every field concrete.
struct DecodingConfig {
  DecoderKind decoder = DecoderKind::kAuto;
  BeamSearchConfig beam;  // beam size, per-frame token pruning, beam threshold, n-best

  // "" = the model folder's language_model/ when it holds one; "none" = no LM; else an .arpa, .arpa.gz or
  // .w2lm file (its folder's attrs.json, when there is one, gives the weights the flags leave unset).
  std::string lm;
  std::optional<double> lm_weight;         // alpha: weight of ln P_LM (attrs.json alpha, else 0.5)
  std::optional<double> word_score;        // beta: added per word (attrs.json beta, else 1.0)
  std::optional<double> unk_score_offset;  // added per word the LM does not know (attrs.json, else -10)
  std::optional<bool> score_boundary;      // score <s> ... </s> around the transcript (attrs.json, else true)
  bool lm_lookahead = true;                // score the word in progress by the best unigram it can become

  std::string lexicon;          // "" = open vocabulary; else one word per line
  std::string hotwords;         // "" = none; else "phrase [boost]" per line
  double hotword_boost = 8.0;   // boost (natural log) of a phrase whose line gives none

  void validate() const;  // throws ConfigError

  // The concrete configuration for a model folder: decoder kind decided (never kAuto), `lm` an existing
  // file or "" for none, every optional set, lexicon / hotwords existing files (or "" when greedy). Throws
  // ConfigError (a flag's file missing, a value out of range), ModelLoadError (a broken attrs.json) or
  // LanguageModelError (a language_model/ folder without a usable LM file, a KenLM binary) naming the file.
  // Only files are checked here; make_ctc_decoder reads them.
  DecodingConfig resolve(const std::string& model_dir) const;

  std::string to_string() const;  // one line, for logs
};

}  // namespace w2v2
