#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <sstream>

#include "common/error.h"
#include "datasets/librispeech_dataset_reader.h"
#include "datasets/make_dataset.h"
#include "datasets/manifest_dataset_reader.h"
#include "metrics/scoring_report.h"
#include "metrics/transcript_file.h"
#include "support/test_support.h"

namespace w2v2 {
namespace {

namespace fs = std::filesystem;

void make_librispeech(const fs::path& root) {
  fs::create_directories(root / "test-clean" / "11" / "22");
  fs::create_directories(root / "test-clean" / "33" / "44");
  test::write_text((root / "test-clean/11/22/11-22.trans.txt").string(), "11-22-0001 HELLO THERE\n11-22-0000 FIRST ONE\n");
  test::write_text((root / "test-clean/33/44/33-44.trans.txt").string(), "33-44-0000 OTHER SPEAKER'S TEXT\n");
  for (const char* f : {"test-clean/11/22/11-22-0000.flac", "test-clean/11/22/11-22-0001.flac", "test-clean/33/44/33-44-0000.flac"}) {
    test::write_text((root / f).string(), "x");
  }
}

TEST(LibriSpeechReader, ReadsTheLayoutFromAnyLevel) {
  test::TempDir dir;
  make_librispeech(dir.path() / "LibriSpeech");
  for (const std::string level : {"LibriSpeech", "LibriSpeech/test-clean", "LibriSpeech/test-clean/11"}) {
    const auto u = read_librispeech(dir.file(level));
    ASSERT_FALSE(u.empty()) << level;
    EXPECT_EQ(u[0].id, "11-22-0000");
    EXPECT_EQ(*u[0].reference, "FIRST ONE");
    EXPECT_EQ(u[0].speaker, "11");
    EXPECT_EQ(u[1].id, "11-22-0001");
  }
  const auto all = read_librispeech(dir.file("LibriSpeech"));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(*all[2].reference, "OTHER SPEAKER'S TEXT");
  EXPECT_EQ(all[2].output_stem, "test-clean/33/44/33-44-0000");
  EXPECT_TRUE(looks_like_librispeech(dir.file("LibriSpeech")));
}

TEST(LibriSpeechReader, AudioNoTranscriptListsIsStillAnInput) {
  // A folder of recordings with one LibriSpeech-layout subfolder: nothing may be dropped silently.
  test::TempDir dir;
  make_librispeech(dir.path() / "ls");
  test::write_text(dir.file("meeting1.wav"), "x");
  test::write_text(dir.file("ls/test-clean/11/22/extra.flac"), "x");
  test::write_text(dir.file("ls/test-clean/11/22/11-22-0000.wav"), "x");  // a conversion of a listed file
  const auto u = make_dataset({dir.path().string()});
  ASSERT_EQ(u.size(), 5u);
  size_t with_reference = 0;
  for (const auto& x : u) with_reference += x.reference.has_value();
  EXPECT_EQ(with_reference, 3u);
  EXPECT_EQ(u[3].id, "ls/test-clean/11/22/extra.flac");
  EXPECT_FALSE(u[3].reference.has_value());
  EXPECT_EQ(u[4].id, "meeting1.wav");
  for (size_t i = 0; i < u.size(); ++i) EXPECT_EQ(u[i].index, i);
}

TEST(LibriSpeechReader, MissingAudioIsAnErrorWithTheLine) {
  test::TempDir dir;
  make_librispeech(dir.path());
  fs::remove(dir.path() / "test-clean/11/22/11-22-0001.flac");
  try {
    read_librispeech(dir.path().string());
    FAIL();
  } catch (const DatasetError& e) {
    EXPECT_NE(std::string(e.what()).find("11-22.trans.txt:1"), std::string::npos) << e.what();
  }
}

TEST(LibriSpeechReader, RealSharedData) {
  const std::string shared = test::shared_data_dir();
  if (shared.empty()) GTEST_SKIP() << "../shared/data is absent";
  const auto u = read_librispeech(shared + "/LibriSpeech");
  ASSERT_EQ(u.size(), 9u);
  EXPECT_EQ(u[0].id, "1089-134686-0000");
  EXPECT_EQ(u[0].reference->substr(0, 22), "HE HOPED THERE WOULD B");
  EXPECT_EQ(read_librispeech(shared + "/LibriSpeech/test-clean").size(), 6u);
}

TEST(ManifestReader, ResolvesRelativePathsAndReportsBadLines) {
  test::TempDir dir;
  fs::create_directories(dir.path() / "m");
  test::write_text(dir.file("m/list.jsonl"),
                   "{\"audio_filepath\": \"a/x.wav\", \"text\": \"hi there\", \"duration\": 1.5}\n\n"
                   "{\"audio_filepath\": \"/abs/y.flac\", \"speaker\": 7}\n");
  const auto u = read_manifest(dir.file("m/list.jsonl"));
  ASSERT_EQ(u.size(), 2u);
  EXPECT_EQ(u[0].path, (dir.path() / "m/a/x.wav").string());
  EXPECT_EQ(*u[0].reference, "hi there");
  EXPECT_EQ(u[0].output_stem, "a/x");
  EXPECT_EQ(u[1].path, "/abs/y.flac");
  EXPECT_FALSE(u[1].reference.has_value());
  EXPECT_EQ(u[1].speaker, "7");
  test::write_text(dir.file("bad.jsonl"), "{\"audio_filepath\": \"a.wav\"}\n{\"text\": \"no path\"}\n");
  try {
    read_manifest(dir.file("bad.jsonl"));
    FAIL();
  } catch (const DatasetError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.jsonl:2"), std::string::npos) << e.what();
  }
}

TEST(KaldiReader, JoinsWavScpTextAndSpeakers) {
  test::TempDir dir;
  test::write_text(dir.file("wav.scp"), "u2 /data/b.wav\nu1 rel/a.flac\n");
  test::write_text(dir.file("text"), "u1 HELLO WORLD\nu2 BYE\n");
  test::write_text(dir.file("utt2spk"), "u1 alice\nu2 bob\n");
  const auto u = make_dataset({dir.path().string()});
  ASSERT_EQ(u.size(), 2u);
  EXPECT_EQ(u[0].id, "u1");
  EXPECT_EQ(u[0].path, (dir.path() / "rel/a.flac").string());
  EXPECT_EQ(*u[0].reference, "HELLO WORLD");
  EXPECT_EQ(u[1].speaker, "bob");
  test::write_text(dir.file("text"), "u1 HELLO\nu9 ORPHAN\n");
  EXPECT_THROW(make_dataset({dir.path().string()}), DatasetError);
  test::write_text(dir.file("text"), "u1 HELLO\n");
  test::write_text(dir.file("wav.scp"), "u1 sox a.wav -t wav - |\n");
  EXPECT_THROW(make_dataset({dir.path().string()}), DatasetError);
}

TEST(TranscriptFile, KaldiAndTrnLinesAndMissingIds) {
  test::TempDir dir;
  test::write_text(dir.file("ref.txt"), "a-1 THE CAT SAT\na-2 ON THE MAT\nb-1 HELLO\n");
  test::write_text(dir.file("hyp.trn"), "THE BAT SAT (a-1)\nON MAT (a-2)\nEXTRA WORDS (c-1)\n");
  const auto refs = read_transcript_file(dir.file("ref.txt"));
  const auto hyps = read_transcript_file(dir.file("hyp.trn"));
  EXPECT_EQ(hyps.at("a-1"), "THE BAT SAT ");
  const ScoringReport r = score_transcripts(refs, hyps, ScoringOptions{});
  EXPECT_EQ(r.missing_hypotheses, (std::vector<std::string>{"b-1"}));
  EXPECT_EQ(r.missing_references, (std::vector<std::string>{"c-1"}));
  // a-1: 1 sub; a-2: 1 del; b-1: 1 del (empty hypothesis) -> 3 errors / 7 words
  EXPECT_EQ(r.words.errors(), 3u);
  EXPECT_EQ(r.words.reference_length, 7u);
  EXPECT_EQ(r.speakers.at("a").errors(), 2u);
  test::write_text(dir.file("dup.txt"), "x A\nx B\n");
  EXPECT_THROW(read_transcript_file(dir.file("dup.txt")), DatasetError);
}

TEST(TranscriptFile, TabSeparatedIdsKeepTheirSpaces) {
  test::TempDir dir;
  // What `transcribe -o hyp.txt` writes for files under a folder with spaces in its name.
  test::write_text(dir.file("hyp.txt"), "My Takes/take 1.wav\tHELLO THERE\nMy Takes/take 2.wav\tBYE\n");
  const auto hyps = read_transcript_file(dir.file("hyp.txt"));
  ASSERT_EQ(hyps.size(), 2u);
  EXPECT_EQ(hyps.at("My Takes/take 1.wav"), "HELLO THERE");
  EXPECT_EQ(hyps.at("My Takes/take 2.wav"), "BYE");
}

TEST(TranscriptFile, AKaldiLineEndingInParenthesesStaysKaldi) {
  test::TempDir dir;
  test::write_text(dir.file("text"), "utt7 HE LAUGHED (LAUGHTER)\nutt8 SO DID SHE\n");
  const auto refs = read_transcript_file(dir.file("text"));
  ASSERT_EQ(refs.size(), 2u);
  EXPECT_EQ(refs.at("utt7"), "HE LAUGHED (LAUGHTER)");
  // Every line a trn line: trn, including an empty transcript.
  test::write_text(dir.file("hyp.trn"), "HE LAUGHED (utt7)\n(utt8)\n");
  const auto hyps = read_transcript_file(dir.file("hyp.trn"));
  EXPECT_EQ(hyps.at("utt7"), "HE LAUGHED ");
  EXPECT_EQ(hyps.at("utt8"), "");
}

}  // namespace
}  // namespace w2v2

namespace w2v2 {
namespace {

TEST(MakeDataset, OutputStemsNeverCollide) {
  std::vector<Utterance> u(5);
  const char* paths[] = {"/d/a.wav", "/d/a.flac", "/d/b.wav", "/d/b.wav", "/d/c.mp3"};
  const char* stems[] = {"a", "a", "b", "b", "c"};
  for (int i = 0; i < 5; ++i) {
    u[i].path = paths[i];
    u[i].output_stem = stems[i];
  }
  make_output_stems_unique(u);
  EXPECT_EQ(u[0].output_stem, "a.wav");
  EXPECT_EQ(u[1].output_stem, "a.flac");
  EXPECT_EQ(u[2].output_stem, "b.wav");
  EXPECT_EQ(u[3].output_stem, "b.wav~2");
  EXPECT_EQ(u[4].output_stem, "c");
}

TEST(MakeDataset, OutputStemsStayInsideTheOutputFolder) {
  // Kaldi ids become stems as they are; a hostile wav.scp must not write outside --output-dir.
  test::TempDir dir;
  test::write_text(dir.file("wav.scp"), "../../../tmp/x a.wav\n/abs/y a.wav\nsub/./z a.wav\n.. a.wav\n");
  const auto u = make_dataset({dir.path().string()});
  ASSERT_EQ(u.size(), 4u);
  std::map<std::string, std::string> stem_of_id;  // ids are kept as they are, for the transcripts
  for (const auto& x : u) stem_of_id[x.id] = x.output_stem;
  EXPECT_EQ(stem_of_id.at("../../../tmp/x"), "x");
  EXPECT_EQ(stem_of_id.at("/abs/y"), "y");
  EXPECT_EQ(stem_of_id.at("sub/./z"), "sub/z");
  EXPECT_EQ(stem_of_id.at(".."), "_");
}

TEST(MakeDataset, EvalRefusesAnUtteranceGivenTwice) {
  test::TempDir dir;
  test::write_text(dir.file("wav.scp"), "u1 a.wav\n");
  test::write_text(dir.file("text"), "u1 HELLO\n");
  const auto once = make_dataset({dir.path().string()});
  EXPECT_NO_THROW(require_unique_reference_ids(once));
  const auto twice = make_dataset({dir.path().string(), dir.path().string()});
  ASSERT_EQ(twice.size(), 2u);
  try {
    require_unique_reference_ids(twice);
    FAIL() << "no DatasetError";
  } catch (const DatasetError& e) {
    EXPECT_NE(std::string(e.what()).find("'u1' is given twice"), std::string::npos) << e.what();
  }
}

}  // namespace
namespace {

TEST(TranscriptFile, TrnIdsWithATabNewlineOrBackslashRoundTrip) {
  ScoringReport report;
  for (const std::string id : {"plain-1", "tab\there", "new\nline", "back\\slash"}) {
    UtteranceScore d;
    d.id = id;
    d.reference = "THE CAT";
    d.hypothesis = "THE HAT";
    report.details.push_back(d);
  }
  std::ostringstream hyp, ref;
  report.write_trn(hyp, ref);
  EXPECT_EQ(hyp.str(), "THE HAT (plain-1)\nTHE HAT (tab\\there)\nTHE HAT (new\\nline)\nTHE HAT (back\\\\slash)\n");
  test::TempDir dir;
  test::write_text(dir.file("hyp.trn"), hyp.str());
  const auto read = read_transcript_file(dir.file("hyp.trn"));
  ASSERT_EQ(read.size(), 4u);
  for (const auto& d : report.details) {
    ASSERT_TRUE(read.count(d.id)) << d.id;
    EXPECT_EQ(read.at(d.id), "THE HAT ");
  }
}

}  // namespace
}  // namespace w2v2
