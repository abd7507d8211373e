// The run journal: durable appends, recovery that keeps complete records and cuts a torn tail, and the
// refusals that keep it from destroying data (not ours, a link, a FIFO, locked by another run).
#include "output/journal_writer.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "common/error.h"
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

const std::string kHeaderLine = std::string(JournalWriter::kHeader) + "\n";

TEST(JournalWriter, RoundTripsRecordsAndAppends) {
  test::TempDir dir;
  const std::string path = dir.file("run.journal");
  {
    JournalWriter journal(path, false);
    EXPECT_TRUE(journal.recovered().empty());  // a new journal
    journal.write(ok_result("a", "HELLO"));
    UtteranceResult failed = ok_result("b", "");
    failed.status = UtteranceStatus::kFailed;
    failed.error_stage = FailureStage::kRead;
    failed.error = "not audio";
    journal.write(failed);
    journal.finish();
  }
  EXPECT_EQ(test::read_text(path).rfind(kHeaderLine, 0), 0u) << "starts with the header";
  {
    JournalWriter journal(path, true);  // a resumed run appends
    EXPECT_EQ(journal.recovered().size(), 2u);
    journal.write(ok_result("c", "WORLD \"quoted\" ünïcode"));
  }
  JournalWriter journal(path, true);
  const auto& records = journal.recovered();
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
  journal.remove();
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(JournalWriter, NonUtf8AndControlCharacterNamesRoundTripExactly) {
  // A Latin-1 file name (0xE9) and one with a TAB and a newline: --resume matches records to inputs by
  // id and path, so both must come back byte for byte.
  test::TempDir dir;
  const std::string path = dir.file("run.journal");
  const std::string latin1 = "caf\xe9";
  const std::string controls = "a\tb\nc";
  {
    JournalWriter journal(path, false);
    journal.write(ok_result(latin1, "ONE"));
    journal.write(ok_result(controls, "TWO"));
  }
  EXPECT_EQ(test::read_text(path),
            kHeaderLine +
                "{\"id\":\"caf\xef\xbf\xbd\",\"id_bytes\":\"caf%E9\",\"path\":\"/audio/caf\xef\xbf\xbd.wav\","
                "\"path_bytes\":\"/audio/caf%E9.wav\",\"status\":\"ok\",\"text\":\"ONE\",\"duration\":1.25,"
                "\"words\":[{\"word\":\"ONE\",\"start\":0.1,\"end\":0.5,\"confidence\":0.75}]}\n"
                "{\"id\":\"a\\tb\\nc\",\"path\":\"/audio/a\\tb\\nc.wav\",\"status\":\"ok\",\"text\":\"TWO\","
                "\"duration\":1.25,\"words\":[{\"word\":\"TWO\",\"start\":0.1,\"end\":0.5,\"confidence\":0.75}]}\n");
  JournalWriter journal(path, true);
  const auto& records = journal.recovered();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].id, latin1);
  EXPECT_EQ(records[0].path, "/audio/" + latin1 + ".wav");
  EXPECT_EQ(records[0].text, "ONE");
  EXPECT_EQ(records[1].id, controls);
  EXPECT_EQ(records[1].path, "/audio/" + controls + ".wav");
}

TEST(JournalWriter, RecoveryCutsATornOrDamagedTail) {
  test::TempDir dir;
  const std::string path = dir.file("run.journal");
  {
    JournalWriter journal(path, false);
    journal.write(ok_result("a", "ONE"));
    journal.write(ok_result("b", "TWO"));
  }
  const std::string complete = test::read_text(path);
  test::write_text(path, complete + R"({"id":"c","path":"/audio/c.wav","stat)");  // killed mid-write
  EXPECT_EQ(JournalWriter(path, true).recovered().size(), 2u);
  EXPECT_EQ(test::read_text(path), complete);  // appending continues after the last complete record
  test::write_text(path, complete + "garbage line\n" + complete.substr(kHeaderLine.size()));
  EXPECT_EQ(JournalWriter(path, true).recovered().size(), 2u);  // nothing after a damaged line is trusted
  EXPECT_EQ(test::read_text(path), complete);
  // Wrongly typed fields are damage too, never an exception from inside the JSON library.
  for (const char* bad : {R"({"id":5,"status":"ok"})", R"({"id":"c","status":"ok","duration":"x"})",
                          R"({"id":"c","status":"ok","words":[{"word":1}]})", R"({"id":"c","status":true})",
                          R"({"id":"c","id_bytes":"c%","status":"ok"})"}) {
    test::write_text(path, complete + bad + "\n");
    EXPECT_EQ(JournalWriter(path, true).recovered().size(), 2u) << bad;
    EXPECT_EQ(test::read_text(path), complete) << bad;
  }
  // A torn header (killed while the journal was created) is rewritten.
  test::write_text(path, kHeaderLine.substr(0, 10));
  EXPECT_TRUE(JournalWriter(path, true).recovered().empty());
  EXPECT_EQ(test::read_text(path), kHeaderLine);
}

TEST(JournalWriter, AnExistingJournalNeedsResume) {
  test::TempDir dir;
  const std::string path = dir.file("run.journal");
  { JournalWriter(path, false).write(ok_result("a", "ONE")); }
  const std::string before = test::read_text(path);
  EXPECT_THROW(JournalWriter(path, false), ConfigError);
  EXPECT_EQ(test::read_text(path), before);
}

TEST(JournalWriter, AFileThatIsNotAJournalIsNeverTouched) {
  test::TempDir dir;
  for (const std::string& content : {std::string("my notes\nline two\n"), std::string("no newline at all"),
                                    std::string(R"({"id":"a","status":"ok"})") + "\n"}) {
    const std::string path = dir.file("notes.txt");
    test::write_text(path, content);
    try {
      JournalWriter journal(path, true);
      ADD_FAILURE() << "accepted " << content;
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("not a w2v2 journal"), std::string::npos) << e.what();
    }
    EXPECT_EQ(test::read_text(path), content) << "left exactly as it was";
  }
}

TEST(JournalWriter, NeverOpensThroughALinkOrASpecialFile) {
  test::TempDir dir;
  const std::string victim = dir.file("victim.txt");
  test::write_text(victim, "precious\n");
  const std::string link = dir.file("run.journal");
  std::filesystem::create_symlink(victim, link);
  EXPECT_THROW(JournalWriter(link, true), ConfigError);
  EXPECT_THROW(JournalWriter(link, false), ConfigError);
  EXPECT_EQ(test::read_text(victim), "precious\n");
  const std::string fifo = dir.file("fifo.journal");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_THROW(JournalWriter(fifo, true), ConfigError);  // refused at once: opening does not wait for a writer
}

TEST(JournalWriter, ASecondRunOnTheSameJournalFailsAtOnce) {
  test::TempDir dir;
  const std::string path = dir.file("run.journal");
  JournalWriter first(path, false);
  first.write(ok_result("a", "ONE"));
  try {
    JournalWriter second(path, true);
    ADD_FAILURE() << "a second writer got the journal";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("another w2v2 run"), std::string::npos) << e.what();
  }
  first.write(ok_result("b", "TWO"));
  first.remove();
  JournalWriter after(path, false);  // free again once the first run is done
  EXPECT_TRUE(after.recovered().empty());
}

}  // namespace
}  // namespace w2v2
