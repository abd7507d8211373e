#include "decoding/make_ctc_decoder.h"

#include "common/error.h"
#include "decoding/ctc_greedy_decoder.h"

namespace w2v2 {

// First version (the decoding seam): greedy only; the beam search with its LM, lexicon and hotwords replaces
// this body.
std::unique_ptr<CtcDecoder> make_ctc_decoder(const DecodingConfig& resolved, const Detokenizer& /*detokenizer*/,
                                             int blank_id) {
  if (resolved.decoder == DecoderKind::kGreedy) return std::make_unique<CtcGreedyDecoder>(blank_id);
  throw ConfigError("beam decoding is not built yet");
}

}  // namespace w2v2
