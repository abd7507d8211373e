#include "text/sentencepiece_detokenizer.h"

#include <cstdint>
#include <filesystem>
#include <fstream>

#include "common/error.h"

namespace w2v2 {
namespace {

// Minimal protobuf wire-format cursor over a byte string (bounds-checked).
class WireReader {
 public:
  WireReader(const std::string& bytes, size_t begin, size_t end, const std::string& source)
      : bytes_(bytes), pos_(begin), end_(end), source_(source) {}

  bool done() const { return pos_ >= end_; }

  uint64_t varint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      W2V2_CHECK_AS(ModelLoadError, pos_ < end_, source_, ": truncated SentencePiece model");
      const auto byte = static_cast<uint8_t>(bytes_[pos_++]);
      value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    throw ModelLoadError(source_ + ": malformed varint in SentencePiece model");
  }

  // Returns [begin, end) of a length-delimited field.
  std::pair<size_t, size_t> bytes_field() {
    const uint64_t length = varint();
    W2V2_CHECK_AS(ModelLoadError, length <= end_ - pos_, source_, ": field runs past the end of the SentencePiece model");
    const size_t begin = pos_;
    pos_ += static_cast<size_t>(length);
    return {begin, pos_};
  }

  void skip(uint32_t wire_type) {
    switch (wire_type) {
      case 0: varint(); return;
      case 1: advance(8); return;
      case 2: bytes_field(); return;
      case 5: advance(4); return;
      default: throw ModelLoadError(source_ + ": unsupported protobuf wire type " + std::to_string(wire_type));
    }
  }

 private:
  void advance(size_t n) {
    W2V2_CHECK_AS(ModelLoadError, n <= end_ - pos_, source_, ": truncated SentencePiece model");
    pos_ += n;
  }

  const std::string& bytes_;
  size_t pos_;
  size_t end_;
  const std::string& source_;
};

constexpr const char* kWordStart = "\xe2\x96\x81";  // U+2581 "▁"

// Limits checked before anything is allocated: real SentencePiece models take a few MB (250k pieces), and a
// CTC head has at most 2^20 outputs (Wav2Vec2Config's vocab_size limit).
constexpr uint64_t kMaxModelBytes = 64ull << 20;
constexpr size_t kMaxPieces = size_t{1} << 20;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::vector<SentencePieceDetokenizer::Piece> SentencePieceDetokenizer::parse_model(const std::string& bytes,
                                                                                   const std::string& source) {
  std::vector<Piece> pieces;
  WireReader model(bytes, 0, bytes.size(), source);
  while (!model.done()) {
    const uint64_t tag = model.varint();
    const auto field = static_cast<uint32_t>(tag >> 3);
    const auto wire = static_cast<uint32_t>(tag & 7);
    if (field != 1 || wire != 2) {  // ModelProto.pieces = 1
      model.skip(wire);
      continue;
    }
    W2V2_CHECK_AS(ModelLoadError, pieces.size() < kMaxPieces, source, ": more than ", kMaxPieces,
                  " pieces (a CTC head has at most that many outputs)");
    const auto [begin, end] = model.bytes_field();
    WireReader entry(bytes, begin, end, source);
    Piece piece;
    while (!entry.done()) {
      const uint64_t t = entry.varint();
      const auto f = static_cast<uint32_t>(t >> 3);
      const auto w = static_cast<uint32_t>(t & 7);
      if (f == 1 && w == 2) {  // piece
        const auto [b, e] = entry.bytes_field();
        piece.text = bytes.substr(b, e - b);
      } else if (f == 3 && w == 0) {  // type
        const uint64_t type = entry.varint();
        W2V2_CHECK_AS(ModelLoadError, type >= 1 && type <= 6, source, ": unknown piece type ", type);
        piece.type = static_cast<PieceType>(type);
      } else {
        entry.skip(w);
      }
    }
    pieces.push_back(std::move(piece));
  }
  W2V2_CHECK_AS(ModelLoadError, !pieces.empty(), source, ": no pieces (not a SentencePiece model?)");
  return pieces;
}

SentencePieceDetokenizer::SentencePieceDetokenizer(const std::string& model_path, int blank_id)
    : blank_id_(blank_id) {
  std::ifstream in(model_path, std::ios::binary);
  W2V2_CHECK_AS(ModelLoadError, in.good(), model_path, ": cannot open");
  std::error_code ec;
  const uint64_t size = std::filesystem::file_size(model_path, ec);
  W2V2_CHECK_AS(ModelLoadError, !ec && std::filesystem::is_regular_file(model_path, ec), model_path,
                ": not a regular file");
  W2V2_CHECK_AS(ModelLoadError, size <= kMaxModelBytes, model_path, ": ", size, " bytes, more than the ",
                kMaxModelBytes >> 20, " MiB a SentencePiece model may take");
  std::string bytes(static_cast<size_t>(size), '\0');  // no more than was checked, even if the file grows
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  bytes.resize(static_cast<size_t>(in.gcount()));
  pieces_ = parse_model(bytes, model_path);
}

std::string SentencePieceDetokenizer::detokenize(const std::vector<int>& ids) const {
  // As SentencePieceProcessor::Decode: while nothing has been emitted, one leading "▁" of each piece
  // is consumed (the dummy prefix); every other "▁" becomes a space.
  std::string text;
  for (int id : ids) {
    if (id == blank_id_ || id < 0 || id >= num_units()) continue;
    const Piece& piece = pieces_[static_cast<size_t>(id)];
    switch (piece.type) {
      case PieceType::kNormal:
      case PieceType::kUserDefined: {
        size_t i = 0;
        if (text.empty() && piece.text.compare(0, 3, kWordStart) == 0) i = 3;
        while (i < piece.text.size()) {
          if (piece.text.compare(i, 3, kWordStart) == 0) {
            text.push_back(' ');
            i += 3;
          } else {
            text.push_back(piece.text[i++]);
          }
        }
        break;
      }
      case PieceType::kByte: {
        const std::string& t = piece.text;  // "<0xAB>"
        if (t.size() == 6 && hex_value(t[3]) >= 0 && hex_value(t[4]) >= 0) {
          text.push_back(static_cast<char>(hex_value(t[3]) * 16 + hex_value(t[4])));
        }
        break;
      }
      case PieceType::kUnknown:
      case PieceType::kControl:
      case PieceType::kUnused: break;
    }
  }
  return text;
}

std::vector<UnitSpelling> SentencePieceDetokenizer::spellings() const {
  std::vector<UnitSpelling> out(pieces_.size());
  for (size_t id = 0; id < pieces_.size(); ++id) {
    if (static_cast<int>(id) == blank_id_) continue;
    const Piece& piece = pieces_[id];
    UnitSpelling& unit = out[id];
    if (piece.type == PieceType::kNormal || piece.type == PieceType::kUserDefined) {
      std::string text = piece.text;
      const bool starts = text.compare(0, 3, kWordStart) == 0;
      if (starts) text.erase(0, 3);
      for (size_t at; (at = text.find(kWordStart)) != std::string::npos;) text.replace(at, 3, " ");
      if (text.find_first_not_of(' ') == std::string::npos) {
        if (starts || !text.empty()) unit.kind = UnitSpelling::Kind::kWordBoundary;
        continue;
      }
      unit.kind = UnitSpelling::Kind::kPiece;
      unit.text = std::move(text);
      unit.starts_word = starts;
    } else if (piece.type == PieceType::kByte) {
      const std::string& t = piece.text;  // "<0xAB>"
      if (t.size() == 6 && hex_value(t[3]) >= 0 && hex_value(t[4]) >= 0) {
        unit.kind = UnitSpelling::Kind::kPiece;
        unit.text.push_back(static_cast<char>(hex_value(t[3]) * 16 + hex_value(t[4])));
      }
    }
  }
  return out;
}

}  // namespace w2v2
