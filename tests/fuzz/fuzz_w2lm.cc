// A .w2lm image through the validating loader, then queries that must stay inside it.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "lm/ngram_language_model.h"
#include "lm/w2lm_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // An exact-size, 8-byte aligned copy (as a mapped file would be), so ASan sees any read past its end.
  auto image = std::make_shared<std::vector<uint64_t>>((size + 7) / 8);
  std::memcpy(image->data(), data, size);
  try {
    const w2v2::LmTables tables = w2v2::w2lm_tables(reinterpret_cast<const char*>(image->data()), size, "fuzz");
    const w2v2::NgramLanguageModel lm(tables, image, "fuzz");
    w2v2::LmState state = lm.begin_sentence_state();
    for (w2v2::LmWordId w = 0; w < 8; ++w) lm.score(state, w, state);
    (void)lm.end_sentence_score(state);
    (void)lm.word_id("a");
    (void)lm.word_id("<s>");
    lm.for_each_unigram([](std::string_view, float) {});
  } catch (const w2v2::Error&) {
  }
  return 0;
}
