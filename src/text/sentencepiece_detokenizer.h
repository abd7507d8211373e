#pragma once

#include <string>
#include <vector>

#include "text/detokenizer.h"

namespace w2v2 {

// SentencePiece unit inventories: CTC output id i is piece i of the `*.model` file. The CTC blank
// and control/unknown/unused pieces are dropped, byte pieces (<0xAB>) become bytes, and "▁" marks a
// word start, exactly as SentencePieceProcessor::Decode does.
//
// The `.model` file (a protobuf ModelProto) is read by our own wire-format reader, not by
// libsentencepiece: Debian's libsentencepiece.so exports the symbols of its bundled protobuf-lite,
// which interpose on libprotobuf.so.32 that libtorch loads, and the process crashes in static
// initialization. The library is the oracle in our tests instead (tests/core).
class SentencePieceDetokenizer : public Detokenizer {
 public:
  enum class PieceType { kNormal = 1, kUnknown = 2, kControl = 3, kUserDefined = 4, kUnused = 5, kByte = 6 };
  struct Piece {
    std::string text;
    PieceType type = PieceType::kNormal;
  };

  SentencePieceDetokenizer(const std::string& model_path, int blank_id);
  std::string detokenize(const std::vector<int>& ids) const override;
  int num_units() const override { return static_cast<int>(pieces_.size()); }
  std::vector<UnitSpelling> spellings() const override;
  const std::vector<Piece>& pieces() const { return pieces_; }

  // Parses the pieces of a serialized ModelProto; throws ModelLoadError naming `source`.
  static std::vector<Piece> parse_model(const std::string& bytes, const std::string& source);

 private:
  std::vector<Piece> pieces_;
  int blank_id_;
};

}  // namespace w2v2
