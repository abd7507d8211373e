// ARPA text (or gzip'ed ARPA text) through ArpaReader, then a few queries on the model built from it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.h"
#include "lm/arpa_reader.h"
#include "lm/gzip_text.h"
#include "lm/load_language_model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    std::string text;
    if (w2v2::is_gzip(bytes)) {
      text = w2v2::gunzip(bytes, "fuzz");
      if (text.size() > (1u << 22)) return 0;  // a decompression bomb only costs time here
      bytes = text;
    }
    const auto lm = w2v2::build_language_model(w2v2::ArpaReader::parse(bytes, "fuzz"), "fuzz");
    w2v2::LmState state = lm->begin_sentence_state();
    for (w2v2::LmWordId w = 0; w < 6; ++w) lm->score(state, w * 7 % 11, state);
    (void)lm->end_sentence_score(state);
    (void)lm->word_id("a");
    lm->for_each_unigram([](std::string_view, float) {});
  } catch (const w2v2::Error&) {
  }
  return 0;
}
