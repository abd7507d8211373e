#pragma once

#include <memory>

#include "text/detokenizer.h"
#include "text/tokenizer_files.h"

namespace w2v2 {

// The detokenizer for a model's unit files (vocab.json or SentencePiece). `model_outputs` is the model's
// output size (config.json vocab_size), `blank_id` its CTC blank (config.json pad_token_id). Throws
// ModelLoadError when the unit inventory does not fit the model's output size.
std::unique_ptr<Detokenizer> make_detokenizer(const TokenizerFiles& files, int model_outputs, int blank_id);

}  // namespace w2v2
