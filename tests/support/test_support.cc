#include "support/test_support.h"

#include <sndfile.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace w2v2::test {
namespace fs = std::filesystem;

std::string fixtures_dir() { return W2V2_TEST_FIXTURES_DIR; }

std::string shared_data_dir() {
  const std::string dir = W2V2_SHARED_DATA_DIR;
  return fs::is_directory(dir) ? dir : std::string();
}

std::string fixture(const std::string& relative) { return (fs::path(fixtures_dir()) / relative).string(); }

std::string source_path(const std::string& relative) { return (fs::path(W2V2_SOURCE_DIR) / relative).string(); }

TempDir::TempDir() {
  std::random_device rd;
  path_ = fs::temp_directory_path() / ("w2v2-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void write_audio(const std::string& path, const std::vector<float>& interleaved, int sample_rate, int channels,
                 int format) {
  SF_INFO info{};
  info.samplerate = sample_rate;
  info.channels = channels;
  info.format = format;
  SNDFILE* file = sf_open(path.c_str(), SFM_WRITE, &info);
  if (!file) throw std::runtime_error("cannot write " + path + ": " + sf_strerror(nullptr));
  sf_writef_float(file, interleaved.data(), static_cast<sf_count_t>(interleaved.size() / channels));
  sf_close(file);
}

std::vector<float> sine(double frequency_hz, int sample_rate, int num_samples, double amplitude) {
  std::vector<float> out(static_cast<size_t>(num_samples));
  for (int i = 0; i < num_samples; ++i) {
    out[i] = static_cast<float>(amplitude * std::sin(2.0 * M_PI * frequency_hz * i / sample_rate));
  }
  return out;
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

CommandResult run_w2v2(const std::vector<std::string>& args) { return run_command(W2V2_BINARY, args); }

CommandResult run_command(const std::string& program, const std::vector<std::string>& args) {
  TempDir tmp;
  std::string command = "'" + program + "'";
  for (const auto& a : args) {
    std::string quoted = "'";
    for (char c : a) quoted += (c == '\'') ? std::string("'\\''") : std::string(1, c);
    command += " " + quoted + "'";
  }
  const std::string out_path = tmp.file("stdout");
  const std::string err_path = tmp.file("stderr");
  command += " >'" + out_path + "' 2>'" + err_path + "' </dev/null";
  const int status = std::system(command.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = read_text(out_path);
  result.err = read_text(err_path);
  return result;
}

}  // namespace w2v2::test
