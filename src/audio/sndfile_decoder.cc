#include "audio/sndfile_decoder.h"

#include <sndfile.h>

#include <algorithm>
#include <cctype>

#include "audio/sndfile_open.h"
#include "common/error.h"

namespace w2v2 {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// libsndfile's own entry for a major format (SFC_GET_FORMAT_MAJOR) or subtype (SFC_GET_FORMAT_SUBTYPE) whose
// code is `code`; false when it lists none.
bool libsndfile_entry(int count_command, int entry_command, int code, SF_FORMAT_INFO& found) {
  int count = 0;
  sf_command(nullptr, count_command, &count, sizeof(count));
  for (int k = 0; k < count; ++k) {
    SF_FORMAT_INFO entry{};
    entry.format = k;
    if (sf_command(nullptr, entry_command, &entry, sizeof(entry)) == 0 && entry.format == code) {
      found = entry;
      return true;
    }
  }
  return false;
}

// Short names in FFmpeg's style, so the records of both readers read alike.
std::string container_name(int format) {
  switch (format & SF_FORMAT_TYPEMASK) {
    case SF_FORMAT_WAV: case SF_FORMAT_WAVEX: return "wav";
    case SF_FORMAT_FLAC: return "flac";
    case SF_FORMAT_OGG: return "ogg";
    case SF_FORMAT_MPEG: return "mp3";
    case SF_FORMAT_AIFF: return "aiff";
    case SF_FORMAT_AU: return "au";
    case SF_FORMAT_RF64: return "rf64";
    case SF_FORMAT_W64: return "w64";
    case SF_FORMAT_CAF: return "caf";
    default: break;
  }
  SF_FORMAT_INFO major{};
  const bool listed =
      libsndfile_entry(SFC_GET_FORMAT_MAJOR_COUNT, SFC_GET_FORMAT_MAJOR, format & SF_FORMAT_TYPEMASK, major);
  return listed && major.extension ? major.extension : "unknown";
}

std::string codec_name(int format) {
  if ((format & SF_FORMAT_TYPEMASK) == SF_FORMAT_FLAC) return "flac";
  switch (format & SF_FORMAT_SUBMASK) {
    case SF_FORMAT_PCM_S8: return "pcm_s8";
    case SF_FORMAT_PCM_U8: return "pcm_u8";
    case SF_FORMAT_PCM_16: return "pcm_s16";
    case SF_FORMAT_PCM_24: return "pcm_s24";
    case SF_FORMAT_PCM_32: return "pcm_s32";
    case SF_FORMAT_FLOAT: return "pcm_f32";
    case SF_FORMAT_DOUBLE: return "pcm_f64";
    case SF_FORMAT_ULAW: return "pcm_mulaw";
    case SF_FORMAT_ALAW: return "pcm_alaw";
    case SF_FORMAT_IMA_ADPCM: return "adpcm_ima";
    case SF_FORMAT_MS_ADPCM: return "adpcm_ms";
    case SF_FORMAT_GSM610: return "gsm";
    case SF_FORMAT_VORBIS: return "vorbis";
    case SF_FORMAT_OPUS: return "opus";
    case SF_FORMAT_MPEG_LAYER_I: return "mp1";
    case SF_FORMAT_MPEG_LAYER_II: return "mp2";
    case SF_FORMAT_MPEG_LAYER_III: return "mp3";
    default: break;
  }
  SF_FORMAT_INFO subtype{};
  const bool listed =
      libsndfile_entry(SFC_GET_FORMAT_SUBTYPE_COUNT, SFC_GET_FORMAT_SUBTYPE, format & SF_FORMAT_SUBMASK, subtype);
  return listed && subtype.name ? lower(subtype.name) : "unknown";
}

}  // namespace

struct SndfileDecoder::Handle {
  SNDFILE* file = nullptr;
  ~Handle() {
    if (file) sf_close(file);
  }
};

std::unique_ptr<SndfileDecoder> SndfileDecoder::open(int fd, const std::string& path, std::string& error) {
  SF_INFO info{};
  // By descriptor: sf_open copies the path into a 1,024-byte buffer and refuses longer ones.
  auto handle = std::make_unique<Handle>();
  handle->file = open_sndfile(fd, SFM_READ, &info, error);
  if (handle->file == nullptr) return nullptr;
  std::unique_ptr<SndfileDecoder> decoder(new SndfileDecoder(std::move(handle), path));
  AudioFormat& format = decoder->format_;
  // A FLAC written to a pipe may not state its length: libsndfile then says SF_COUNT_MAX.
  const bool length_known = info.frames >= 0 && info.frames != SF_COUNT_MAX;
  format.channels = info.channels;
  format.sample_rate_hz = info.samplerate;
  format.frames = length_known ? info.frames : -1;
  const int major = info.format & SF_FORMAT_TYPEMASK;
  format.exact_length = length_known && info.seekable && major != SF_FORMAT_OGG && major != SF_FORMAT_MPEG;
  format.reader = "libsndfile";
  format.container = container_name(info.format);
  format.codec = codec_name(info.format);
  return decoder;
}

SndfileDecoder::SndfileDecoder(std::unique_ptr<Handle> handle, const std::string& path)
    : handle_(std::move(handle)), path_(path) {}

SndfileDecoder::~SndfileDecoder() = default;

int64_t SndfileDecoder::read(float* interleaved, int64_t frames) {
  const sf_count_t got = sf_readf_float(handle_->file, interleaved, frames);
  const int error = sf_error(handle_->file);
  W2V2_CHECK_AS(AudioReadError, error == SF_ERR_NO_ERROR, path_, ": decode error (", sf_error_number(error), ")");
  return std::max<sf_count_t>(got, 0);
}

void SndfileDecoder::seek(int64_t frame) {
  W2V2_CHECK_AS(AudioReadError, sf_seek(handle_->file, frame, SEEK_SET) == frame, path_, ": cannot seek to frame ",
                frame);
}

}  // namespace w2v2
