#include "datasets/directory_dataset_reader.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/error.h"
#include "support/test_support.h"

namespace w2v2 {
namespace {

namespace fs = std::filesystem;

TEST(DirectoryDatasetReader, WalksRecursivelySortedWithRelativeIds) {
  test::TempDir dir;
  fs::create_directories(dir.path() / "b" / "c");
  for (const char* name : {"z.wav", "a.flac", "b/c/x.mp3", "b/notes.txt", "b/y.WAV", "with space é.ogg"}) {
    test::write_text(dir.file(name), "x");
  }
  fs::create_directory_symlink(dir.path(), dir.path() / "b" / "loop");  // must not be followed
  const auto utterances = list_audio_files({dir.path().string()});
  std::vector<std::string> ids;
  for (const auto& u : utterances) ids.push_back(u.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"a.flac", "b/c/x.mp3", "b/y.WAV", "with space é.ogg", "z.wav"}));
  for (size_t i = 0; i < utterances.size(); ++i) EXPECT_EQ(utterances[i].index, i);
  EXPECT_EQ(utterances[1].path, (dir.path() / "b/c/x.mp3").string());
  EXPECT_EQ(utterances[1].output_stem, "b/c/x");
  EXPECT_EQ(utterances[4].output_stem, "z");
}

TEST(DirectoryDatasetReader, FilesAreTakenAsGivenAndMissingPathsFail) {
  test::TempDir dir;
  test::write_text(dir.file("odd.bin"), "x");
  const auto u = list_audio_files({dir.file("odd.bin")});
  ASSERT_EQ(u.size(), 1u);
  EXPECT_EQ(u[0].id, dir.file("odd.bin"));
  EXPECT_EQ(u[0].output_stem, "odd");
  EXPECT_THROW(list_audio_files({dir.file("absent")}), DatasetError);
}

}  // namespace
}  // namespace w2v2
