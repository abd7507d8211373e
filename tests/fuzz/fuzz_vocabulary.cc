// vocab.json, then detokenizing every id it defines (and some it does not) with the character detokenizer.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/error.h"
#include "text/char_detokenizer.h"
#include "text/vocabulary.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    w2v2::Vocabulary vocabulary = w2v2::Vocabulary::from_json_text(text, "fuzz");
    std::vector<int> ids;
    for (int i = -1; i <= vocabulary.size() && i < 4096; ++i) ids.push_back(i);
    const w2v2::CharDetokenizer detokenizer(std::move(vocabulary));
    try {
      (void)detokenizer.detokenize(ids);
    } catch (const w2v2::Error&) {
    }
  } catch (const w2v2::Error&) {
  }
  return 0;
}
