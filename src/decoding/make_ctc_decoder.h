#pragma once

#include <memory>

#include "decoding/ctc_decoder.h"
#include "decoding/decoding_config.h"
#include "text/detokenizer.h"

namespace w2v2 {

// The decoder a resolved DecodingConfig asks for: greedy, or prefix beam search with its language model,
// lexicon and hotwords loaded (spelled with the detokenizer's units). `blank_id`: the model's CTC blank.
// Throws ConfigError / LanguageModelError naming the file and line of a bad LM, lexicon or hotword file.
std::unique_ptr<CtcDecoder> make_ctc_decoder(const DecodingConfig& resolved, const Detokenizer& detokenizer,
                                             int blank_id);

}  // namespace w2v2
