#include "audio/audio_file_writer.h"

#include <sndfile.h>

#include <cstdio>
#include <filesystem>

#include "common/error.h"

namespace w2v2 {

void write_wav_file(const std::string& path, const std::vector<float>& samples, int sample_rate_hz) {
  W2V2_CHECK_AS(OutputError, sample_rate_hz > 0, path, ": sample rate must be positive");
  const std::string tmp = path + ".tmp";
  SF_INFO info{};
  info.samplerate = sample_rate_hz;
  info.channels = 1;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  SNDFILE* file = sf_open(tmp.c_str(), SFM_WRITE, &info);
  W2V2_CHECK_AS(OutputError, file != nullptr, path, ": cannot write (", sf_strerror(nullptr), ")");
  const auto frames = static_cast<sf_count_t>(samples.size());
  const sf_count_t written = sf_writef_float(file, samples.data(), frames);
  const int closed = sf_close(file);
  if (written != frames || closed != 0) {
    std::remove(tmp.c_str());
    throw OutputError(path + ": short write");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  W2V2_CHECK_AS(OutputError, !ec, path, ": cannot rename into place (", ec.message(), ")");
}

}  // namespace w2v2
