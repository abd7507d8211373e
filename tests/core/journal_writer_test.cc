// The run journal: durable appends, and recovery that keeps complete records and cuts a torn tail.
#include "output/journal_writer.h"

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace w2v2 {
namespace {

UtteranceResult ok_result(const std::string& id, const std::string& text) {
  UtteranceResult r;
  r.id = id;
  r.path = "/audio/" + id + ".wav";
  r.text = text;
  r.duration_seconds = 1.25;
  r.words = {{text, 0.1, 0.5, 0.75}};
  return r;
}

TEST(JournalWriter, RoundTripsRecordsAndAppends) {
  test::TempDir dir;
  const std::string path = dir.file("run.journal");
  EXPECT_TRUE(JournalWriter::recover(path).empty());  // no journal yet
  {
    JournalWriter journal(path);
    journal.write(ok_result("a", "HELLO"));
    UtteranceResult failed = ok_result("b", "");
    failed.status = UtteranceStatus::kFailed;
    failed.error_stage = "read";
    failed.error = "not audio";
    journal.write(failed);
    journal.finish();
  }
  {
    JournalWriter journal(path);  // a second run appends
    journal.write(ok_result("c", "WORLD \"quoted\" ünïcode"));
  }
  const auto records = JournalWriter::recover(path);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].id, "a");
  EXPECT_EQ(records[0].text, "HELLO");
  EXPECT_EQ(records[0].path, "/audio/a.wav");
  EXPECT_DOUBLE_EQ(records[0].duration_seconds, 1.25);
  ASSERT_EQ(records[0].words.size(), 1u);
  EXPECT_DOUBLE_EQ(records[0].words[0].end_seconds, 0.5);
  EXPECT_EQ(records[1].status, UtteranceStatus::kFailed);
  EXPECT_EQ(records[1].error, "not audio");
  EXPECT_EQ(records[2].text, "WORLD \"quoted\" ünïcode");
}

TEST(JournalWriter, RecoveryCutsATornTail) {
  test::TempDir dir;
  const std::string path = dir.file("run.journal");
  {
    JournalWriter journal(path);
    journal.write(ok_result("a", "ONE"));
    journal.write(ok_result("b", "TWO"));
  }
  const std::string complete = test::read_text(path);
  test::write_text(path, complete + R"({"id":"c","path":"/audio/c.wav","stat)");  // killed mid-write
  EXPECT_EQ(JournalWriter::recover(path).size(), 2u);
  EXPECT_EQ(test::read_text(path), complete);  // appending continues after the last complete record
  test::write_text(path, complete + "garbage line\n" + complete);
  EXPECT_EQ(JournalWriter::recover(path).size(), 2u);  // nothing after a damaged line is trusted
  EXPECT_EQ(test::read_text(path), complete);
}

}  // namespace
}  // namespace w2v2
