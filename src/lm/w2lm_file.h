#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "lm/lm_tables.h"
#include "lm/ngram_language_model.h"

namespace w2v2 {

// The .w2lm file: LmTables (lm_tables.h) as they lie in memory, after a 256-byte header; little-endian, every
// section 8-byte aligned, in the order of W2lmSection.
//   magic "w2v2lm\x1a\n" | u32 version (1) | u32 byte-order mark 0x01020304 | u32 order | u32 flags (bit 0: <unk>
//   came from the ARPA) | u32 <s> id | u32 </s> id (0xffffffff: none) | u64 entries per order [6] |
//   u64 file size | {u64 offset, u64 size} per section [10] | zero padding to 256
// Sections: orders 1..6 as LmInnerEntry (count + 1 each, the inner orders only), the highest order as
// LmLeafEntry, word offsets (u32, vocabulary + 1), word strings, hash slots (u32, a power of two).
constexpr char kW2lmMagic[8] = {'w', '2', 'v', '2', 'l', 'm', '\x1a', '\n'};
constexpr uint32_t kW2lmVersion = 1;
constexpr size_t kW2lmHeaderSize = 256;

// True when `bytes` starts with the .w2lm magic.
bool has_w2lm_magic(std::string_view bytes);

// Writes `tables` to `path` through a temporary file renamed into place (nothing is left at `path` on failure).
void write_w2lm_file(const LmTables& tables, const std::string& path);

// Views the .w2lm image `data` (8-byte aligned, `size` bytes) as tables after checking the header, every
// section's offset and size, and every index a lookup follows. Throws LanguageModelError naming `name`.
LmTables w2lm_tables(const char* data, size_t size, const std::string& name);

// Memory-maps a .w2lm file read-only and checks it (w2lm_tables).
std::unique_ptr<NgramLanguageModel> map_w2lm_file(const std::string& path);

}  // namespace w2v2
