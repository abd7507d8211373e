// Any bytes as an audio file through the one reader the pipeline uses (AudioSource: libsndfile, or FFmpeg for
// what libsndfile does not recognize), streamed in chunks as a long file is. The bytes live in a memfd, opened by
// its /proc path, so no disk is touched.
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "audio/audio_source.h"
#include "common/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const int fd = memfd_create("fuzz-audio", MFD_CLOEXEC);
  if (fd < 0 || ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != static_cast<ssize_t>(size)) return 0;
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  try {
    w2v2::AudioReadOptions options;
    options.max_duration_seconds = 60.0;  // bounds the time one input may take
    w2v2::AudioSource source(path, options, /*whole_up_to_seconds=*/0.5);
    for (int64_t start = 0; start < source.frames(); start += 6000) {
      (void)source.read(start, std::min<int64_t>(8000, source.frames() - start));
    }
  } catch (const w2v2::Error&) {
  }
  return 0;
}
