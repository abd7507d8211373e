#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace w2v2::test {

// Whether this build (tests and binary alike) runs under AddressSanitizer: its shadow memory defeats memory
// limits (prlimit --data) and its quarantine keeps freed blocks resident, so memory assertions do not hold.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kAddressSanitizer = true;
#else
inline constexpr bool kAddressSanitizer = false;
#endif
#else
inline constexpr bool kAddressSanitizer = false;
#endif

std::string fixtures_dir();                 // tests/fixtures
std::string shared_data_dir();              // ../shared/data ("" when absent)
std::string fixture(const std::string& relative);
std::string source_path(const std::string& relative);  // a path inside the repository

// A fresh temporary directory, removed with the object.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Writes `channels`-interleaved float samples with libsndfile; `format` is an SF_FORMAT_* combination.
void write_audio(const std::string& path, const std::vector<float>& interleaved, int sample_rate, int channels,
                 int format);
std::vector<float> sine(double frequency_hz, int sample_rate, int num_samples, double amplitude = 0.5);
void write_text(const std::string& path, const std::string& text);
std::string read_text(const std::string& path);

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};
// Runs the w2v2 binary with `args` (shell-quoted here).
CommandResult run_w2v2(const std::vector<std::string>& args);
// Runs `program` with `args` (shell-quoted here), stdin from /dev/null.
CommandResult run_command(const std::string& program, const std::vector<std::string>& args);

}  // namespace w2v2::test
