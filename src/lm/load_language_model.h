#pragma once

#include <memory>
#include <string>

#include "lm/language_model.h"
#include "lm/lm_tables.h"
#include "lm/ngram_language_model.h"

namespace w2v2 {

// Loads an n-gram LM: a `.w2lm` file (memory-mapped, validated) or an ARPA file, plain or gzip'ed (told
// apart by content, not name), which is parsed and built into the same compact form in memory. Throws
// LanguageModelError naming the file (and line, for ARPA) on anything malformed.
std::unique_ptr<LanguageModel> load_language_model(const std::string& path);

// The same, as the concrete model (its tables: lm-compile writes them).
std::unique_ptr<NgramLanguageModel> load_ngram_language_model(const std::string& path);

// A model over tables built in memory (ArpaReader's); `source` names them in errors.
std::unique_ptr<NgramLanguageModel> build_language_model(LmTableStorage storage, const std::string& source);

}  // namespace w2v2
