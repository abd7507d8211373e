#pragma once

#include <string>

namespace w2v2 {

// How one CTC output unit spells text, for decoders that work on words (lexicons, LMs, hotwords).
struct UnitSpelling {
  enum class Kind {
    kSilent,        // prints nothing: the blank, special and control units
    kWordBoundary,  // ends the word in progress: "|" of character vocabularies, a bare "▁" piece
    kPiece,         // characters of a word
  };
  Kind kind = Kind::kSilent;
  std::string text;          // kPiece: its UTF-8 bytes, without a word-start marker
  bool starts_word = false;  // kPiece: a new word begins with it (SentencePiece "▁THE")
};

}  // namespace w2v2
