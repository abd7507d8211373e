// Outputs never replace what they point at: devices and FIFOs are written straight through, links are
// followed to their file, temporary files never follow a planted link, and paths that collide with inputs
// or with each other are refused before anything is written. Stand-ins for /dev/null and /dev/zero are made
// with mknod in a temporary folder (no test writes to the real ones).
#include "output/output_stream.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "common/error.h"
#include "common/line_reader.h"
#include "output/output_path_check.h"
#include "support/test_support.h"

namespace w2v2 {
namespace {

namespace fs = std::filesystem;

// A character device like /dev/null (1, 3) or /dev/zero (1, 5), made here; skips where mknod is not allowed.
bool make_char_device(const std::string& path, unsigned minor) {
  return ::mknod(path.c_str(), S_IFCHR | 0666, makedev(1, minor)) == 0;
}

std::string read_all_fd(int fd) {
  std::string text;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof(buffer))) > 0;) text.append(buffer, static_cast<size_t>(n));
  return text;
}

TEST(OutputStream, ADeviceIsWrittenThroughNotReplaced) {
  test::TempDir dir;
  const std::string null = dir.file("null");
  if (!make_char_device(null, 3)) GTEST_SKIP() << "mknod is not permitted here (needs root)";
  write_output_file(null, "transcripts\n");
  struct stat st {};
  ASSERT_EQ(::stat(null.c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode)) << "still a character device";
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1) << "no temporary left";
}

TEST(OutputStream, AFifoReceivesTheOutputAndStaysAFifo) {
  test::TempDir dir;
  const std::string fifo = dir.file("pipe");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string received;
  std::thread reader([&] {
    const int fd = ::open(fifo.c_str(), O_RDONLY);
    received = read_all_fd(fd);
    ::close(fd);
  });
  write_output_file(fifo, "a\tHELLO\n");
  reader.join();
  EXPECT_EQ(received, "a\tHELLO\n");
  struct stat st {};
  ASSERT_EQ(::lstat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
}

TEST(OutputStream, ADescriptorPathWritesToThatDescriptor) {
  // /dev/stdout is /dev/fd/1: written through the descriptor itself, never replaced by a regular file.
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  write_output_file("/dev/fd/" + std::to_string(fds[1]), "through the pipe\n");
  ::close(fds[1]);
  EXPECT_EQ(read_all_fd(fds[0]), "through the pipe\n");
  ::close(fds[0]);
}

TEST(OutputStream, ASymlinkIsFollowedToItsFile) {
  test::TempDir dir;
  fs::create_directories(dir.path() / "real");
  const std::string target = dir.file("real/out.txt");
  test::write_text(target, "old\n");
  const std::string link = dir.file("link.txt");
  fs::create_symlink(target, link);
  write_output_file(link, "new\n");
  EXPECT_TRUE(fs::is_symlink(link)) << "the link stays a link";
  EXPECT_EQ(test::read_text(target), "new\n");
  const std::string dangling = dir.file("dangling.txt");  // a link to a file yet to be made: that file is made
  fs::create_symlink("real/later.txt", dangling);
  write_output_file(dangling, "later\n");
  EXPECT_TRUE(fs::is_symlink(dangling));
  EXPECT_EQ(test::read_text(dir.file("real/later.txt")), "later\n");
  const std::string nowhere = dir.file("nowhere.txt");
  fs::create_symlink(dir.file("missing-folder/x.txt"), nowhere);
  EXPECT_THROW(write_output_file(nowhere, "x\n"), OutputError);
  EXPECT_TRUE(fs::is_symlink(nowhere));
  EXPECT_THROW(write_output_file(dir.file("real"), "x\n"), OutputError) << "a folder is refused";
}

TEST(OutputStream, APlantedLinkAtATemporaryNameIsNotFollowed) {
  test::TempDir dir;
  const std::string victim = dir.file("victim.txt");
  test::write_text(victim, "precious\n");
  const std::string out = dir.file("out.txt");
  fs::create_symlink(victim, out + ".tmp");  // the name earlier versions wrote through
  write_output_file(out, "result\n");
  EXPECT_EQ(test::read_text(out), "result\n");
  EXPECT_EQ(test::read_text(victim), "precious\n");
}

TEST(OutputStream, AnUnfinishedFileLeavesNothingBehind) {
  test::TempDir dir;
  {
    OutputStream out(dir.file("never.txt"));
    out.stream() << "partial";
  }
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 0);
}

TEST(OutputPathCheck, RefusesOutputsThatDestroyInputsOrEachOther) {
  test::TempDir dir;
  const std::string input = dir.file("input.wav");
  test::write_text(input, "RIFF");
  const std::string out = dir.file("out.txt");
  auto refused = [&](const std::vector<NamedOutput>& outputs, const std::string& journal, const std::string& why) {
    try {
      check_output_paths(outputs, journal, {input});
      ADD_FAILURE() << "not refused: " << why;
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(refused({{"--output", out}}, out, "journal = output").find("the journal is deleted"), std::string::npos);
  EXPECT_NE(refused({{"--output", input}}, "", "output = input").find("is the input"), std::string::npos);
  refused({}, input, "journal = input");
  fs::create_hard_link(input, dir.file("hard.wav"));
  refused({{"--output", dir.file("hard.wav")}}, "", "a hard link to an input");
  fs::create_symlink(input, dir.file("soft.wav"));
  refused({{"--report", dir.file("soft.wav")}}, "", "a symlink to an input");
  refused({{"--output", out}, {"--report", dir.file("./x/../out.txt")}}, "", "two outputs, one file");
  EXPECT_EQ(test::read_text(input), "RIFF");
  // Fine: distinct files, stdout, and a device named twice.
  check_output_paths({{"--output", out}, {"--report", "-"}, {"--details", ""}}, out + ".journal", {input});
  const std::string null = dir.file("null");
  if (make_char_device(null, 3)) check_output_paths({{"--output", null}, {"--report", null}}, "", {input});
}

TEST(LineReader, ReadsOnlyRegularFiles) {
  test::TempDir dir;
  const std::string listing = dir.file("a.trans.txt");
  test::write_text(listing, "one\r\ntwo\n\nthree");
  {
    LineReader in(listing);
    std::vector<std::string> lines;
    for (std::string line; in.next(line);) lines.push_back(line);
    EXPECT_EQ(lines, (std::vector<std::string>{"one\r", "two", "", "three"}));
    EXPECT_EQ(in.line_number(), 4);
  }
  const std::string fifo = dir.file("b.trans.txt");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_THROW(LineReader{fifo}, DatasetError) << "refused at once, without waiting for a writer";
  EXPECT_THROW(read_text_file(fifo), ConfigError);
  EXPECT_THROW(LineReader{dir.path().string()}, DatasetError);
  const std::string zero = dir.file("zero");
  if (make_char_device(zero, 5)) {
    fs::create_symlink(zero, dir.file("utt2spk"));
    EXPECT_THROW(LineReader{dir.file("utt2spk")}, DatasetError) << "a link to a device";
    EXPECT_THROW(read_text_file(dir.file("utt2spk")), ConfigError);
  }
  test::write_text(dir.file("nul.txt"), std::string("id1 a\nid2 b\0c\n", 14));
  LineReader nul(dir.file("nul.txt"));
  std::string line;
  EXPECT_TRUE(nul.next(line));
  EXPECT_THROW(nul.next(line), DatasetError);
  test::write_text(dir.file("long.txt"), std::string(LineReader::kMaxLineBytes + 1, 'a'));
  LineReader long_line(dir.file("long.txt"));
  EXPECT_THROW(long_line.next(line), DatasetError);
}

TEST(ErrorSummary, KeepsTheFirstLineOfABacktrace) {
  EXPECT_EQ(error_summary("Kernel size can't be greater than actual input size\nException raised from "
                          "check_shape_forward at ../aten/src/ATen/native/Convolution.cpp:626\nframe #0: c10::Error"),
            "Kernel size can't be greater than actual input size");
  EXPECT_EQ(error_summary("one line"), "one line");
  const std::string long_line(5000, 'x');
  EXPECT_EQ(error_summary(long_line).size(), 4096u + 3);
}

}  // namespace
}  // namespace w2v2
