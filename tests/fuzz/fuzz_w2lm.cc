// .w2lm images through the validating loader, then queries that must stay inside them. An input whose first
// byte is even is an image as is; an odd first byte makes the rest patches to a valid image (3-byte records:
// a 16-bit little-endian offset and a byte to write there), which reaches the checks behind the header that
// random images rarely pass.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "lm/arpa_reader.h"
#include "lm/ngram_language_model.h"
#include "lm/w2lm_file.h"

namespace {

constexpr const char* kArpa =
    "\\data\\\nngram 1=7\nngram 2=5\nngram 3=2\n\n\\1-grams:\n-0.8 <unk>\n-1.0 <s> -0.5\n-0.7 </s>\n-0.6 a -0.3\n"
    "-0.8 b -0.2\n-1.2 c\n-1.1 caf\xc3\xa9 -0.1\n\n\\2-grams:\n-0.4 <s> a -0.1\n-0.5 a b -0.15\n-0.3 b c\n-0.6 a </s>\n"
    "-0.9 caf\xc3\xa9 a\n\n\\3-grams:\n-0.2 <s> a b\n-0.1 a b c\n\n\\end\\\n";

// The valid image, written once through write_w2lm_file.
const std::string& valid_image() {
  static const std::string image = [] {
    const w2v2::LmTableStorage storage = w2v2::ArpaReader::parse(kArpa, "seed");
    char path[] = "/tmp/fuzz-w2lm-XXXXXX";
    const int fd = ::mkstemp(path);
    ::close(fd);
    w2v2::write_w2lm_file(storage.view(), path);
    std::string bytes;
    if (FILE* f = std::fopen(path, "rb")) {
      char buffer[4096];
      for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, f)) > 0;) bytes.append(buffer, n);
      std::fclose(f);
    }
    ::unlink(path);
    return bytes;
  }();
  return image;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes;
  if (size > 0 && (data[0] & 1) != 0) {
    bytes = valid_image();
    for (size_t i = 1; i + 3 <= size; i += 3) {
      const size_t at = (data[i] | data[i + 1] << 8) % bytes.size();
      bytes[at] = static_cast<char>(data[i + 2]);
    }
  } else {
    bytes.assign(reinterpret_cast<const char*>(data), size);
  }
  // An exact-size, 8-byte aligned copy (as a mapped file would be).
  auto image = std::make_shared<std::vector<uint64_t>>((bytes.size() + 7) / 8);
  if (!bytes.empty()) std::memcpy(image->data(), bytes.data(), bytes.size());
  try {
    const w2v2::LmTables tables = w2v2::w2lm_tables(reinterpret_cast<const char*>(image->data()), bytes.size(), "fuzz");
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
