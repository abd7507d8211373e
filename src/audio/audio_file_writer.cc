#include "audio/audio_file_writer.h"

#include <sndfile.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "audio/sndfile_open.h"
#include "common/error.h"
#include "common/temporary_file.h"

namespace w2v2 {

void write_wav_file(const std::string& path, const std::vector<float>& samples, int sample_rate_hz) {
  W2V2_CHECK_AS(OutputError, sample_rate_hz > 0, path, ": sample rate must be positive");
  // A unique temporary beside the file (a planted link is never followed), renamed into place.
  const TemporaryFile tmp_file = create_temporary_beside(path, 0644);
  const int fd = tmp_file.fd;
  const std::string& tmp = tmp_file.path;
  SF_INFO info{};
  info.samplerate = sample_rate_hz;
  info.channels = 1;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  std::string reason;
  SNDFILE* file = open_sndfile(fd, SFM_WRITE, &info, reason);
  if (file == nullptr) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw OutputError(path + ": cannot write (" + reason + ")");
  }
  const auto frames = static_cast<sf_count_t>(samples.size());
  const sf_count_t written = sf_writef_float(file, samples.data(), frames);
  const int closed = sf_close(file);  // closes libsndfile's duplicate of fd
  const int fd_closed = ::close(fd);
  if (written != frames || closed != 0 || fd_closed != 0) {
    ::unlink(tmp.c_str());
    throw OutputError(path + ": short write");
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    throw OutputError(path + ": cannot rename into place (" + why + ")");
  }
}

}  // namespace w2v2
