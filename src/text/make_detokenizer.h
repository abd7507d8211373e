#pragma once

#include <memory>

#include "model/model_directory.h"
#include "text/detokenizer.h"

namespace w2v2 {

// The detokenizer for a model folder (vocab.json or SentencePiece). Throws ModelLoadError when the
// unit inventory does not fit the model's output size (config vocab_size).
std::unique_ptr<Detokenizer> make_detokenizer(const ModelDirectory& model);

}  // namespace w2v2
