#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/error.h"
#include "output/jsonl_writer.h"
#include "output/npy_file.h"
#include "output/plain_text_writer.h"
#include "support/test_support.h"

namespace w2v2 {
namespace {

TEST(NpyFile, RoundTripsAndNumpyHeaderIsAligned) {
  test::TempDir dir;
  const std::vector<float> data{1, 2, 3, 4, 5, 6};
  write_npy(dir.file("x.npy"), data.data(), {2, 3});
  const NpyArray back = read_npy(dir.file("x.npy"));
  EXPECT_EQ(back.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(back.data, data);
  const std::string raw = test::read_text(dir.file("x.npy"));
  EXPECT_EQ(raw.size() % 64, (6 * 4) % 64);  // header padded to 64 bytes
  EXPECT_NE(raw.find("'shape': (2, 3)"), std::string::npos);
  write_npy(dir.file("v.npy"), data.data(), {6});
  EXPECT_NE(test::read_text(dir.file("v.npy")).find("'shape': (6,)"), std::string::npos);
  write_npy(dir.file("e.npy"), nullptr, {0, 32});
  EXPECT_EQ(read_npy(dir.file("e.npy")).shape, (std::vector<int64_t>{0, 32}));
}

UtteranceResult ok(const std::string& id, const std::string& text) {
  UtteranceResult r;
  r.id = id;
  r.path = "/data/" + id;
  r.text = text;
  r.duration_seconds = 1.5;
  return r;
}

TEST(Writers, PlainTextIsIdTabTextAndAppearsOnlyOnFinish) {
  test::TempDir dir;
  const std::string path = dir.file("out.txt");
  {
    PlainTextWriter w(path);
    w.write(ok("a b.wav", "HELLO WORLD"));
    UtteranceResult bad = ok("c.wav", "");
    bad.status = UtteranceStatus::kFailed;
    bad.error = "broken";
    w.write(bad);
    EXPECT_FALSE(std::filesystem::exists(path));
    w.finish();
  }
  EXPECT_EQ(test::read_text(path), "a b.wav\tHELLO WORLD\n");
}

TEST(Writers, JsonlEscapesAndCarriesFailures) {
  test::TempDir dir;
  const std::string path = dir.file("out.jsonl");
  {
    JsonlWriter w(path);
    w.write(ok("quote\"tab\t\xc3\xa9.wav", "IT'S"));
    UtteranceResult bad = ok("bad\xff.wav", "");
    bad.status = UtteranceStatus::kFailed;
    bad.error_stage = FailureStage::kRead;
    bad.error = "bad.wav: cannot decode audio";
    w.write(bad);
    w.finish();
  }
  std::istringstream lines(test::read_text(path));
  std::string line;
  std::getline(lines, line);
  const auto first = nlohmann::json::parse(line);
  EXPECT_EQ(first["id"], "quote\"tab\t\xc3\xa9.wav");
  EXPECT_EQ(first["text"], "IT'S");
  EXPECT_EQ(first["status"], "ok");
  EXPECT_DOUBLE_EQ(first["duration"].get<double>(), 1.5);
  std::getline(lines, line);
  const auto second = nlohmann::json::parse(line);  // invalid UTF-8 was replaced, the line still parses
  EXPECT_EQ(second["status"], "error");
  EXPECT_EQ(second["stage"], "read");
  EXPECT_EQ(second["error"], "bad.wav: cannot decode audio");
}

TEST(Writers, UnfinishedFileLeavesNothingBehind) {
  test::TempDir dir;
  {
    PlainTextWriter w(dir.file("never.txt"));
    w.write(ok("a", "A"));
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << "neither the file nor a temporary one";
}

TEST(Writers, AFailureRecordKeepsTheFirstLineOfItsCauseOnly) {
  // LibTorch errors carry a C++ backtrace of ~30 lines; records (CSV/JSONL "error") keep the first line.
  test::TempDir dir;
  UtteranceResult failed = ok("x", "");
  failed.status = UtteranceStatus::kFailed;
  failed.error_stage = FailureStage::kModel;
  failed.error = "Calculated padded input size per channel: (4). Kernel size: (10).\nException raised from "
                 "_convolution at ../aten/src/ATen/native/Convolution.cpp:1234 (most recent call first):\n"
                 "frame #0: c10::Error::Error(...) + 0x8f (0x7f00 in /usr/lib/libc10.so)\n";
  JsonlWriter writer(dir.file("out.jsonl"));
  write_result(writer, failed);
  writer.finish();
  const auto record = nlohmann::json::parse(test::read_text(dir.file("out.jsonl")));
  EXPECT_EQ(record["error"], "Calculated padded input size per channel: (4). Kernel size: (10).");
  EXPECT_EQ(failed.error, record["error"]) << "the summary counts the same text";
}

}  // namespace
}  // namespace w2v2
