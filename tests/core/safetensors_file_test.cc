#include "checkpoint/safetensors_file.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>

#include "common/error.h"
#include "checkpoint/safetensors_writer.h"
#include "support/test_support.h"

namespace w2v2 {
namespace {

std::string image_with_header(const std::string& header, size_t data_bytes) {
  std::string out(8, '\0');
  const uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  return out + header + std::string(data_bytes, '\x01');
}

std::string parse_error(const std::string& image) {
  try {
    SafetensorsFile::parse(reinterpret_cast<const std::byte*>(image.data()), image.size(), "m.safetensors");
  } catch (const ModelLoadError& e) {
    return e.what();
  }
  return "";
}

TEST(SafetensorsFile, WriterRoundTripThroughTheMappedReader) {
  test::TempDir dir;
  SafetensorsWriter writer;
  const std::vector<float> a{1.0f, -2.0f, 3.5f, 4.0f, 5.0f, 6.0f};
  const std::vector<uint16_t> h{0x3c00, 0xc000};  // F16 1.0, -2.0
  writer.add("a", TensorDType::kF32, {2, 3}, a.data(), a.size() * 4);
  writer.add("h", TensorDType::kF16, {2}, h.data(), h.size() * 2);
  writer.add("empty", TensorDType::kBF16, {0, 4}, nullptr, 0);
  writer.set_metadata("format", "pt");
  writer.write(dir.file("m.safetensors"));

  SafetensorsFile file(dir.file("m.safetensors"));
  ASSERT_EQ(file.tensors().size(), 3u);
  const TensorView& va = file.tensors().at("a");
  EXPECT_EQ(va.dtype, TensorDType::kF32);
  EXPECT_EQ(va.shape, (std::vector<int64_t>{2, 3}));
  std::vector<float> back(6);
  std::memcpy(back.data(), va.data, va.nbytes);
  EXPECT_EQ(back, a);
  EXPECT_EQ(file.tensors().at("h").dtype, TensorDType::kF16);
  EXPECT_EQ(file.tensors().at("empty").numel(), 0);
  EXPECT_EQ(file.metadata().at("format"), "pt");
}

TEST(SafetensorsFile, RejectsMalformedHeaders) {
  const std::string ok = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  EXPECT_EQ(parse_error(image_with_header(ok, 8)), "");
  EXPECT_NE(parse_error("abc").find("too short"), std::string::npos);
  // Header length past the end of the file.
  std::string past = image_with_header(ok, 8);
  past[0] = static_cast<char>(0xff);
  past[1] = static_cast<char>(0x7f);
  EXPECT_NE(parse_error(past).find("past the end"), std::string::npos);
  // Huge declared header.
  std::string huge = image_with_header(ok, 8);
  for (int i = 0; i < 8; ++i) huge[i] = static_cast<char>(0xff);
  EXPECT_NE(parse_error(huge).find("100 MB"), std::string::npos);
  // Offsets out of range.
  EXPECT_NE(parse_error(image_with_header(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", 4))
                .find("out of range"),
            std::string::npos);
  // Overlapping tensors.
  EXPECT_NE(parse_error(image_with_header(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                          R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                                          12))
                .find("overlap"),
            std::string::npos);
  // Shape x dtype size differs from the byte range.
  EXPECT_NE(parse_error(image_with_header(R"({"a":{"dtype":"F16","shape":[2],"data_offsets":[0,8]}})", 8))
                .find("differs"),
            std::string::npos);
  // Unsupported dtype, bad JSON, wrong types, reversed offsets, negative dims.
  EXPECT_NE(parse_error(image_with_header(R"({"a":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}})", 8))
                .find("unsupported dtype"),
            std::string::npos);
  EXPECT_NE(parse_error(image_with_header("{\"a\":", 0)).find("malformed header"), std::string::npos);
  EXPECT_NE(parse_error(image_with_header("[1,2]", 0)).find("not a JSON object"), std::string::npos);
  EXPECT_NE(parse_error(image_with_header(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})", 8)), "");
  EXPECT_NE(parse_error(image_with_header(R"({"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", 8)), "");
  EXPECT_NE(parse_error(image_with_header(R"({"a":{"dtype":"F32","shape":[2]}})", 8)).find("data_offsets"),
            std::string::npos);
  EXPECT_NE(parse_error(image_with_header(
                R"({"a":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,8]}})", 8))
                .find("overflow"),
            std::string::npos);
}

TEST(SafetensorsFile, DeeplyNestedHeadersAndLongNamesAreCutShort) {
  const std::string deep = "{\"a\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_EQ(parse_error(image_with_header(deep, 0)), "m.safetensors: header JSON nested deeper than 64 levels");
  const std::string name(1 << 20, 'n');
  const std::string message =
      parse_error(image_with_header("{\"" + name + R"(":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}})", 8));
  EXPECT_NE(message.find("unsupported dtype"), std::string::npos);
  EXPECT_LT(message.size(), 400u);
}

TEST(SafetensorsFile, TruncatedFileOnDiskIsAnErrorNamingIt) {
  test::TempDir dir;
  SafetensorsWriter writer;
  std::vector<float> a(100, 1.0f);
  writer.add("a", TensorDType::kF32, {100}, a.data(), 400);
  const std::string image = writer.serialize();
  test::write_text(dir.file("t.safetensors"), image.substr(0, image.size() - 10));
  try {
    SafetensorsFile file(dir.file("t.safetensors"));
    FAIL() << "truncated file accepted";
  } catch (const ModelLoadError& e) {
    EXPECT_NE(std::string(e.what()).find("t.safetensors"), std::string::npos);
  }
  EXPECT_THROW(SafetensorsFile(dir.file("absent.safetensors")), ModelLoadError);
}

TEST(SafetensorsFile, RandomCorruptionsNeverCrash) {
  SafetensorsWriter writer;
  std::vector<float> a(16, 0.5f);
  writer.add("x.weight", TensorDType::kF32, {4, 4}, a.data(), 64);
  writer.add("x.bias", TensorDType::kF32, {4}, a.data(), 16);
  const std::string image = writer.serialize();
  std::mt19937 rng(7);
  int rejected = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    std::string bad = image;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) bad[rng() % bad.size()] = static_cast<char>(rng() & 0xff);
    if (rng() % 4 == 0) bad.resize(rng() % bad.size());
    rejected += parse_error(bad).empty() ? 0 : 1;
  }
  EXPECT_GT(rejected, 100);  // most corruptions are caught; none crashed
}

}  // namespace
}  // namespace w2v2
