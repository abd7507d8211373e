#pragma once

#include <cstdint>
#include <string>

namespace w2v2 {

struct LmCompileReport {
  uint64_t ngrams = 0;      // every order, in the tables written (with <unk> and any contexts/suffixes added)
  uint64_t file_bytes = 0;  // of the .w2lm written
  double read_seconds = 0;  // reading, decompressing, parsing and building
  double write_seconds = 0;
};

// `w2v2 lm-compile`: reads a language model as load_language_model does (an ARPA file, plain or gzip'ed, or a
// .w2lm file, which is checked) and writes its .w2lm form to `output_path` (through a temporary file: nothing
// is left there when reading or writing fails). Throws LanguageModelError for a bad input file, OutputError
// when the output cannot be written.
LmCompileReport compile_language_model(const std::string& input_path, const std::string& output_path);

}  // namespace w2v2
