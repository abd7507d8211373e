#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/field_encoding.h"
#include "metrics/transcript_file.h"
#include "output/collecting_writer.h"
#include "output/csv_writer.h"
#include "output/jsonl_writer.h"
#include "output/npy_file.h"
#include "output/plain_text_writer.h"
#include "output/transcript_merger.h"
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

// File names that break lines or are not UTF-8 (old Latin-1 archives) must survive every output exactly.
const std::string kLatin1 = "caf\xe9 \xe0.wav";         // 0xE9, 0xE0: Latin-1, not UTF-8
const std::string kControls = "tab\there\nnew\rcr\\b.wav";  // TAB, LF, CR and a backslash

TEST(FieldEncoding, LineFieldsRoundTripAndHoldNoLineBreakOrTab) {
  EXPECT_EQ(escape_line_field(kControls), "tab\\there\\nnew\\rcr\\\\b.wav");
  EXPECT_EQ(escape_line_field(kLatin1), kLatin1) << "other bytes are kept";
  for (const std::string& s : {kControls, kLatin1, std::string("\\t literally"), std::string("\\"),
                               std::string("a\\\\n"), std::string("\t\n\r\\"), std::string()}) {
    const std::string escaped = escape_line_field(s);
    EXPECT_EQ(escaped.find_first_of("\t\n\r"), std::string::npos) << s;
    EXPECT_EQ(unescape_line_field(escaped), s) << escaped;
  }
  EXPECT_EQ(unescape_line_field("a\\b\\"), "a\\b\\") << "a lone backslash (files from before) is kept";
}

TEST(FieldEncoding, Utf8ValidationIsStrict) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\xa4 \xf4\x8f\xbf\xbf"));
  EXPECT_FALSE(is_valid_utf8(kLatin1));
  // overlong, surrogate, above U+10FFFF, a stray lead or continuation byte, truncated
  for (const char* bad : {"\xc0\x80", "\xc1\xbf", "\xe0\x9f\xbf", "\xed\xa0\x80", "\xf0\x8f\xbf\xbf",
                          "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xff", "\x80", "\xc3", "\xe2\x82", "a\xc3(b"}) {
    EXPECT_FALSE(is_valid_utf8(bad)) << bad;
  }
}

TEST(FieldEncoding, PercentBytesRoundTripEveryByte) {
  EXPECT_EQ(percent_encode_bytes(kLatin1), "caf%E9 %E0.wav");
  EXPECT_EQ(percent_encode_bytes("100%\t\xc3\xa9"), "100%25%09%C3%A9");
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  EXPECT_EQ(percent_decode_bytes(percent_encode_bytes(all)), all);
  EXPECT_EQ(percent_decode_bytes("caf%e9"), "caf\xe9") << "lower-case hex is read too";
  for (const char* bad : {"%", "a%4", "%G0", "%0g"}) EXPECT_EQ(percent_decode_bytes(bad), std::nullopt) << bad;
}

TEST(Writers, PlainTextEscapesTabsAndLineBreaksInNames) {
  test::TempDir dir;
  const std::string path = dir.file("out.txt");
  {
    PlainTextWriter w(path);
    w.write(ok(kControls, "HI"));
    w.write(ok(kLatin1, "THERE"));
    w.finish();
  }
  EXPECT_EQ(test::read_text(path), "tab\\there\\nnew\\rcr\\\\b.wav\tHI\n" + kLatin1 + "\tTHERE\n");
  const auto back = PlainTextWriter::parse("tab\\there\\nnew\\rcr\\\\b.wav\tHI");
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->id, kControls);
  EXPECT_EQ(back->text, "HI");
  EXPECT_FALSE(PlainTextWriter::parse("no tab").has_value());
  // `score --hyp` reads what `transcribe` wrote, names restored.
  const auto hyps = read_transcript_file(path);
  EXPECT_EQ(hyps, (std::map<std::string, std::string>{{kControls, "HI"}, {kLatin1, "THERE"}}));
}

TEST(Writers, JsonlKeepsNonUtf8NamesExactlyInBytesFields) {
  UtteranceResult r = ok(kLatin1, "HI");
  r.path = "/data/" + kLatin1;
  const std::string record = JsonlWriter::record(r);
  // "id" and "path" stay valid UTF-8 for every reader (U+FFFD for each bad byte); the *_bytes fields are exact.
  EXPECT_EQ(record,
            "{\"id\":\"caf\xef\xbf\xbd \xef\xbf\xbd.wav\",\"id_bytes\":\"caf%E9 %E0.wav\","
            "\"path\":\"/data/caf\xef\xbf\xbd \xef\xbf\xbd.wav\",\"path_bytes\":\"/data/caf%E9 %E0.wav\","
            "\"status\":\"ok\",\"text\":\"HI\",\"duration\":1.5,\"words\":[]}");
  const auto back = JsonlWriter::parse(record);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->id, kLatin1);
  EXPECT_EQ(back->path, "/data/" + kLatin1);
  EXPECT_EQ(back->text, "HI");
  // A valid UTF-8 name (even with a TAB or newline) needs no *_bytes field: JSON escapes it.
  const std::string plain = JsonlWriter::record(ok(kControls, "HI"));
  EXPECT_EQ(plain.find("_bytes"), std::string::npos) << plain;
  EXPECT_EQ(JsonlWriter::parse(plain)->id, kControls);
  std::string why;
  EXPECT_FALSE(JsonlWriter::parse(R"({"id":"x","id_bytes":"%ZZ","status":"ok"})", &why).has_value());
  EXPECT_EQ(why, "field \"id_bytes\" is not a percent-encoded string");
  EXPECT_FALSE(JsonlWriter::parse(R"({"id":"x","path_bytes":5,"status":"ok"})", &why).has_value());
  EXPECT_EQ(why, "field \"path_bytes\" is not a percent-encoded string");
}

TEST(Writers, CsvQuotesLineBreaksAndKeepsBytes) {
  EXPECT_EQ(CsvWriter::quote(kControls), "\"" + kControls + "\"");
  EXPECT_EQ(CsvWriter::quote("tab\tonly"), "tab\tonly") << "a TAB needs no quoting in CSV";
  EXPECT_EQ(CsvWriter::quote(kLatin1), kLatin1);
}

Utterance input(size_t index, const std::string& id) {
  Utterance u;
  u.index = index;
  u.id = id;
  u.path = "/data/" + id;
  return u;
}

TEST(Merge, TxtPartsWithEscapedAndNonUtf8NamesMergeBack) {
  test::TempDir dir;
  const std::vector<Utterance> inputs{input(0, kControls), input(1, "plain.wav"), input(2, kLatin1)};
  {
    PlainTextWriter part0(dir.file("part0.txt")), part1(dir.file("part1.txt"));
    part0.write(ok(kLatin1, "THREE"));
    part0.write(ok(kControls, "ONE"));
    part1.write(ok("plain.wav", "TWO"));
    part0.finish();
    part1.finish();
  }
  CollectingWriter merged;
  const auto report = merge_transcripts(inputs, {dir.file("part0.txt"), dir.file("part1.txt")}, OutputFormat::kTxt,
                                        merged);
  EXPECT_TRUE(report.complete());
  ASSERT_EQ(merged.results().size(), 3u);
  EXPECT_EQ(merged.results()[0].id, kControls);
  EXPECT_EQ(merged.results()[0].text, "ONE");
  EXPECT_EQ(merged.results()[0].path, "/data/" + kControls);
  EXPECT_EQ(merged.results()[2].id, kLatin1);
  EXPECT_EQ(merged.results()[2].text, "THREE");
  // Without the part holding the odd names, exactly those two are missing (the rest is still merged).
  CollectingWriter partial;
  const auto missing = merge_transcripts(inputs, {dir.file("part1.txt")}, OutputFormat::kTxt, partial);
  EXPECT_EQ(missing.missing, (std::vector<std::string>{kControls, kLatin1}));
  EXPECT_TRUE(missing.unknown.empty());
  EXPECT_EQ(partial.results().size(), 1u);
}

TEST(Merge, JsonlPartsMatchNonUtf8NamesByTheirBytes) {
  test::TempDir dir;
  const std::string other = "caf\xe8 \xe0.wav";  // the same after U+FFFD replacement: must stay apart
  const std::vector<Utterance> inputs{input(0, kLatin1), input(1, other), input(2, kControls)};
  {
    JsonlWriter part(dir.file("part.jsonl"));
    for (const auto& id : {other, kControls, kLatin1}) part.write(ok(id, id == other ? "OTHER" : "TEXT"));
    part.finish();
  }
  CollectingWriter merged;
  const auto report = merge_transcripts(inputs, {dir.file("part.jsonl")}, OutputFormat::kJsonl, merged);
  EXPECT_TRUE(report.complete()) << report.missing.size() << " missing, " << report.unknown.size() << " unknown";
  ASSERT_EQ(merged.results().size(), 3u);
  EXPECT_EQ(merged.results()[0].id, kLatin1);
  EXPECT_EQ(merged.results()[0].text, "TEXT");
  EXPECT_EQ(merged.results()[1].id, other);
  EXPECT_EQ(merged.results()[1].text, "OTHER");
  EXPECT_EQ(merged.results()[1].path, "/data/" + other);
  EXPECT_EQ(merged.results()[2].id, kControls);
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
