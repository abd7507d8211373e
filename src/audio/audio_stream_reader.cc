#include "audio/audio_stream_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>

#include "audio/ffmpeg_decoder.h"
#include "audio/sndfile_decoder.h"
#include "common/error.h"

namespace w2v2 {
namespace {

constexpr int kMaxChannels = 256;
constexpr int64_t kBlockFrames = 1 << 15;
// read_all() reserves the declared length up to this much (64 MB of floats) and grows past it as samples
// arrive: a header cannot make it allocate what the file does not hold.
constexpr int64_t kMaxReserveFrames = int64_t{1} << 24;

}  // namespace

AudioStreamReader::AudioStreamReader(const std::string& path, const AudioReadOptions& options)
    : path_(path), options_(options) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  W2V2_CHECK_AS(AudioReadError, !ec && std::filesystem::exists(status), path, ": file not found");
  W2V2_CHECK_AS(AudioReadError, std::filesystem::is_regular_file(status), path, ": not a regular file");
  // Non-blocking, so that a file swapped for a FIFO since the check above cannot hang the open.
  file_.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  W2V2_CHECK_AS(AudioReadError, file_.fd >= 0, path, ": cannot open (", std::strerror(errno), ")");
  struct stat st {};
  W2V2_CHECK_AS(AudioReadError, ::fstat(file_.fd, &st) == 0 && S_ISREG(st.st_mode), path, ": not a regular file");
  W2V2_CHECK_AS(AudioReadError, st.st_size > 0, path, ": empty file");
  open_decoder();
  W2V2_CHECK_AS(AudioReadError, options.channel < channels_, path, ": channel ", options.channel,
                " requested but the file has ", channels_);
  W2V2_CHECK_AS(AudioReadError, frames_ < 0 || static_cast<double>(frames_) / sample_rate_hz_ <= options.max_duration_seconds,
                path, ": declared length ", frames_, " frames exceeds the limit of ", options.max_duration_seconds, " s");
  known_frames_ = exact_length_ ? frames_ : -1;
}

AudioStreamReader::~AudioStreamReader() = default;

AudioStreamReader::Descriptor::~Descriptor() {
  if (fd >= 0) ::close(fd);
}

void AudioStreamReader::open_decoder() {
  decoder_.reset();
  W2V2_CHECK_AS(AudioReadError, ::lseek(file_.fd, 0, SEEK_SET) == 0, path_, ": cannot rewind (", std::strerror(errno), ")");
  // libsndfile first, for what it reads (by descriptor: its own open copies the path into a 1,024-byte buffer
  // and refuses longer ones; it works on a duplicate, the descriptor stays ours); FFmpeg for the rest. A
  // stream past the first is FFmpeg's to find: libsndfile reads one.
  std::string sndfile_reason;
  if (options_.audio_stream <= 0) {
    decoder_ = SndfileDecoder::open(file_.fd, path_, sndfile_reason);
    // libsndfile says this of data it cannot parse (e.g. an MP3 without valid frames); the file exists.
    if (sndfile_reason.find("does not exist") != std::string::npos) sndfile_reason = "unrecognized or corrupt audio data";
  }
  if (!decoder_) {
    std::string ffmpeg_reason;
    decoder_ = FfmpegDecoder::open(file_.fd, path_, options_.audio_stream, ffmpeg_reason);
    if (!decoder_) {
      throw AudioReadError(path_ + ": cannot decode audio (" +
                           (sndfile_reason.empty() ? "" : "libsndfile: " + sndfile_reason + "; ") +
                           "FFmpeg: " + ffmpeg_reason + ")");
    }
  }
  const AudioFormat& format = decoder_->format();
  W2V2_CHECK_AS(AudioReadError, format.channels > 0 && format.channels <= kMaxChannels, path_,
                ": unsupported channel count ", format.channels);
  check_sample_rate(path_, format.sample_rate_hz);
  format_ = format;
  channels_ = format.channels;
  sample_rate_hz_ = format.sample_rate_hz;
  frames_ = format.frames;
  exact_length_ = format.exact_length;
  position_ = 0;
}

int64_t AudioStreamReader::max_frames() const {
  const double frames = options_.max_duration_seconds * sample_rate_hz_;
  return frames >= 9.0e18 ? std::numeric_limits<int64_t>::max() : static_cast<int64_t>(frames);
}

int64_t AudioStreamReader::count_frames() {
  const int64_t limit = max_frames();
  std::vector<float> block(static_cast<size_t>(kBlockFrames) * channels_);
  int64_t total = position_;
  for (;;) {
    const int64_t got = decoder_->read(block.data(), kBlockFrames);
    if (got <= 0) break;
    total += got;
    W2V2_CHECK_AS(AudioReadError, total <= limit, path_, ": longer than the limit of ", options_.max_duration_seconds,
                  " s per file (", limit, " frames at ", sample_rate_hz_, " Hz)");
  }
  // Back to frame 0 by opening the file afresh: MP3, Ogg, a FLAC without a length and FFmpeg's formats need
  // not seek.
  const int channels = channels_;
  const int rate = sample_rate_hz_;
  open_decoder();
  W2V2_CHECK_AS(AudioReadError, channels_ == channels && sample_rate_hz_ == rate, path_,
                ": the file changed while it was read");
  known_frames_ = total;
  return total;
}

std::vector<float> AudioStreamReader::read(int64_t start, int64_t count) {
  W2V2_CHECK_AS(AudioReadError, start >= 0 && count >= 0, path_, ": invalid range");
  // Seek only when needed: libsndfile refuses every seek, even to frame 0, on codecs it cannot seek in
  // (GSM 6.10, G.721/G.723, VOX and other ADPCM), which still read fine front to back.
  if (start != position_) {
    decoder_->seek(start);
    position_ = start;
  }
  std::vector<float> block(static_cast<size_t>(std::min<int64_t>(count, kBlockFrames)) * channels_);
  std::vector<float> mono;
  mono.reserve(static_cast<size_t>(std::min<int64_t>(count, kMaxReserveFrames)));
  while (static_cast<int64_t>(mono.size()) < count) {
    const int64_t want = std::min<int64_t>(kBlockFrames, count - static_cast<int64_t>(mono.size()));
    const int64_t got = decoder_->read(block.data(), want);
    if (got <= 0) break;
    for (int64_t f = 0; f < got; ++f) {
      const float* frame = block.data() + f * channels_;
      float value;
      if (options_.channel >= 0) {
        value = frame[options_.channel];
      } else {
        double sum = 0.0;
        for (int c = 0; c < channels_; ++c) sum += frame[c];
        value = static_cast<float>(sum / channels_);
      }
      W2V2_CHECK_AS(AudioReadError, std::isfinite(value), path_, ": non-finite sample (NaN or Inf) at frame ",
                    start + static_cast<int64_t>(mono.size()));
      mono.push_back(value);
    }
    position_ += got;
  }
  return mono;
}

std::vector<float> AudioStreamReader::read_all() {
  // Read in blocks rather than trusting the declared frame count (MP3 and broken headers lie).
  const int64_t limit = max_frames();
  std::vector<float> mono;
  mono.reserve(static_cast<size_t>(std::clamp<int64_t>(std::min(frames_, limit), 0, kMaxReserveFrames)));
  for (;;) {
    std::vector<float> block = read(position_, kBlockFrames);
    if (block.empty()) break;
    mono.insert(mono.end(), block.begin(), block.end());
    W2V2_CHECK_AS(AudioReadError, static_cast<int64_t>(mono.size()) <= limit, path_, ": longer than the limit of ",
                  options_.max_duration_seconds, " s per file (", limit, " frames at ", sample_rate_hz_, " Hz)");
  }
  W2V2_CHECK_AS(AudioReadError, !mono.empty(), path_, ": contains no audio samples");
  return mono;
}

}  // namespace w2v2
