// NeMo JSONL manifests and Kaldi wav.scp/text/utt2spk: read from files, as users give them.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "common/error.h"
#include "datasets/manifest_dataset_reader.h"

namespace {

const std::filesystem::path& scratch() {
  static const std::filesystem::path dir = [] {
    // tmpfs when there is one: three small files are written per input.
    const std::filesystem::path base = std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
    auto d = base / ("w2v2-fuzz-manifest-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

void write(const std::filesystem::path& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  write(scratch() / "manifest.jsonl", text);
  try {
    (void)w2v2::read_manifest((scratch() / "manifest.jsonl").string());
  } catch (const w2v2::Error&) {
  }
  // The same bytes as a Kaldi folder: first half wav.scp, second half text.
  write(scratch() / "wav.scp", text.substr(0, size / 2));
  write(scratch() / "text", text.substr(size / 2));
  try {
    (void)w2v2::read_kaldi_dir(scratch().string());
  } catch (const w2v2::Error&) {
  }
  return 0;
}
