#include "audio/ffmpeg_decoder.h"

#include "common/error.h"

#ifdef W2V2_HAVE_FFMPEG

#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <mutex>
#include <vector>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/samplefmt.h>
}

namespace w2v2 {
namespace {

constexpr int kIoBufferBytes = 1 << 16;
// A stream that gives nothing but decode errors is given up on after this many in a row.
constexpr int kMaxConsecutiveDecodeErrors = 1000;
// Audio past an MP4's stated end is the encoder's padding (under one frame: AAC 80 of 1,024 samples, MP3 335 of
// 1,152, Opus 169 of 960 measured) when the stream ends within this many of its longest frames after it. Where
// more follows, the stated end was not the end (a wrong header) and nothing is trimmed.
constexpr int64_t kMaxEndPaddingCodecFrames = 1;

// The last message FFmpeg logged at error level on this thread (without its "[mov @ 0x...]" prefix): the
// cause behind a generic error code, e.g. "moov atom not found".
thread_local std::string last_ffmpeg_error;

// FFmpeg's log through spdlog, warnings and errors only, as warnings (a failed file is reported once, by us).
void log_to_spdlog(void* context, int level, const char* format, va_list args) {
  if (level > AV_LOG_WARNING) return;
  va_list plain_args;
  va_copy(plain_args, args);
  char line[1024];
  thread_local int print_prefix = 1;
  av_log_format_line2(context, level, format, args, line, sizeof(line), &print_prefix);
  char plain[1024];
  std::vsnprintf(plain, sizeof(plain), format, plain_args);
  va_end(plain_args);
  auto trimmed = [](const char* text) {  // one line: inner line breaks become "; "
    std::string s(text);
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
    for (size_t at; (at = s.find('\n')) != std::string::npos;) s.replace(at, 1, "; ");
    return s;
  };
  if (level <= AV_LOG_ERROR) last_ffmpeg_error = trimmed(plain);
  if (const std::string message = trimmed(line); !message.empty()) spdlog::warn("ffmpeg: {}", message);
}

void route_ffmpeg_log() {
  static std::once_flag once;
  std::call_once(once, [] { av_log_set_callback(log_to_spdlog); });
}

std::string av_error_text(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof(text));
  return text;
}

// The error of the call that just failed: FFmpeg's logged cause when it logged one, else the code's text.
std::string failure_reason(int code) {
  std::string reason = av_error_text(code);
  if (!last_ffmpeg_error.empty() && last_ffmpeg_error != reason) reason = last_ffmpeg_error + "; " + reason;
  return reason;
}

// No URL is ever opened: not the file's name (a name like "concat:a|b" is a protocol), not a file a playlist
// or a reference movie names.
int refuse_io_open(AVFormatContext*, AVIOContext**, const char* url, int, AVDictionary**) {
  last_ffmpeg_error = std::string("refused to open \"") + url + "\" named inside the file";
  return AVERROR(EPERM);
}

// One sample of any FFmpeg sample format as a float in [-1, 1).
float sample_value(const uint8_t* data, AVSampleFormat packed, int index) {
  switch (packed) {
    case AV_SAMPLE_FMT_U8: return (static_cast<float>(data[index]) - 128.0f) / 128.0f;
    case AV_SAMPLE_FMT_S16: return static_cast<float>(reinterpret_cast<const int16_t*>(data)[index]) / 32768.0f;
    case AV_SAMPLE_FMT_S32:
      return static_cast<float>(static_cast<double>(reinterpret_cast<const int32_t*>(data)[index]) / 2147483648.0);
    case AV_SAMPLE_FMT_S64:
      return static_cast<float>(static_cast<double>(reinterpret_cast<const int64_t*>(data)[index]) / 9223372036854775808.0);
    case AV_SAMPLE_FMT_FLT: return reinterpret_cast<const float*>(data)[index];
    case AV_SAMPLE_FMT_DBL: return static_cast<float>(reinterpret_cast<const double*>(data)[index]);
    default: return 0.0f;
  }
}

}  // namespace

struct FfmpegDecoder::State {
  int fd = -1;
  std::string path;
  int64_t file_size = 0;
  int64_t offset = 0;  // of the next byte FFmpeg reads
  AVIOContext* io = nullptr;
  AVFormatContext* format = nullptr;
  AVCodecContext* codec = nullptr;
  AVPacket* packet = nullptr;
  AVFrame* frame = nullptr;
  int stream = -1;            // the absolute index of the stream decoded
  bool flushed = false;       // the demuxer ended and the decoder was told so
  int decode_errors = 0;      // in a row
  int64_t decoded = 0;        // frames decoded so far (for messages)
  std::vector<float> pending;  // decoded, not yet read: interleaved
  size_t pending_offset = 0;   // in floats
  bool trim_end = false;       // an MP4-family file: its track header states where the presentation ends
  int64_t stated_end = -1;     // that end, in frames from the first decoded one; -1: none (or not trimmed)
  std::vector<float> held;     // decoded past the stated end, interleaved: padding unless more follows
  int64_t longest_frame = 0;   // the most samples one decoded frame held

  ~State() {
    av_frame_free(&frame);
    av_packet_free(&packet);
    avcodec_free_context(&codec);
    avformat_close_input(&format);
    if (io) av_freep(&io->buffer);
    avio_context_free(&io);
  }

  // Sets `stated_end` once, from the first decoded frame (its timestamp `first_pts`, at `rate`): where the
  // container says the presentation ends. FFmpeg has read every fragment's header by then.
  void find_stated_end(int64_t first_pts, int rate) {
    const AVStream* st = format->streams[stream];
    if (!trim_end || st->duration == AV_NOPTS_VALUE || st->duration <= 0 || rate <= 0) return;
    const int64_t start = st->start_time != AV_NOPTS_VALUE ? st->start_time : 0;
    const int64_t first = first_pts != AV_NOPTS_VALUE ? first_pts : start;
    stated_end = std::max<int64_t>(0, av_rescale_q(start + st->duration - first, st->time_base, AVRational{1, rate}));
  }

  // Moves the part of the frame just decoded (`count` frames from `begin`, now in `pending`) that lies past the
  // stated end into `held`. Only the frame that crosses the end keeps a part, so `held` stays in order. Once more
  // than padding is past the end, everything held is given back and nothing more is trimmed.
  void hold_past_stated_end(int64_t begin, int64_t count, int channels) {
    longest_frame = std::max(longest_frame, count);
    if (stated_end < 0 || begin + count <= stated_end) return;
    const auto keep = static_cast<size_t>(std::max<int64_t>(0, stated_end - begin)) * static_cast<size_t>(channels);
    held.insert(held.end(), pending.begin() + static_cast<std::ptrdiff_t>(keep), pending.end());
    pending.resize(keep);
    const auto past_end = static_cast<int64_t>(held.size() / static_cast<size_t>(channels));
    if (past_end <= kMaxEndPaddingCodecFrames * longest_frame) return;
    spdlog::warn("{}: the audio goes on past the {} frames its header states; all of it is read", path, stated_end);
    pending.insert(pending.end(), held.begin(), held.end());
    held = std::vector<float>();
    stated_end = -1;
  }

  static int read_bytes(void* opaque, uint8_t* buffer, int size) {
    auto* self = static_cast<State*>(opaque);
    for (;;) {
      const ssize_t got = ::pread(self->fd, buffer, static_cast<size_t>(size), self->offset);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) return AVERROR(errno);
      if (got == 0) return AVERROR_EOF;
      self->offset += got;
      return static_cast<int>(got);
    }
  }

  static int64_t seek_bytes(void* opaque, int64_t offset, int whence) {
    auto* self = static_cast<State*>(opaque);
    if (whence & AVSEEK_SIZE) return self->file_size;
    switch (whence & ~AVSEEK_FORCE) {
      case SEEK_SET: break;
      case SEEK_CUR: offset += self->offset; break;
      case SEEK_END: offset += self->file_size; break;
      default: return AVERROR(EINVAL);
    }
    if (offset < 0) return AVERROR(EINVAL);
    self->offset = offset;
    return offset;
  }
};

bool FfmpegDecoder::built() { return true; }

FfmpegDecoder::FfmpegDecoder(std::unique_ptr<State> state) : state_(std::move(state)) {}

FfmpegDecoder::~FfmpegDecoder() = default;

std::unique_ptr<FfmpegDecoder> FfmpegDecoder::open(int fd, const std::string& path, int stream, std::string& error) {
  route_ffmpeg_log();
  last_ffmpeg_error.clear();
  auto state = std::make_unique<State>();
  state->fd = fd;
  state->path = path;
  struct stat st {};
  W2V2_CHECK_AS(AudioReadError, ::fstat(fd, &st) == 0, path, ": cannot read its size");
  state->file_size = st.st_size;

  auto* buffer = static_cast<unsigned char*>(av_malloc(kIoBufferBytes));
  W2V2_CHECK_AS(AudioReadError, buffer != nullptr, path, ": out of memory");
  state->io = avio_alloc_context(buffer, kIoBufferBytes, 0, state.get(), &State::read_bytes, nullptr, &State::seek_bytes);
  if (state->io == nullptr) av_free(buffer);
  state->format = avformat_alloc_context();
  W2V2_CHECK_AS(AudioReadError, state->io && state->format, path, ": out of memory");
  state->format->pb = state->io;
  state->format->flags |= AVFMT_FLAG_CUSTOM_IO;
  state->format->io_open = refuse_io_open;
  // No name: the format is found by content alone (the extension would only be a hint).
  int code = avformat_open_input(&state->format, "", nullptr, nullptr);
  if (code < 0) {  // avformat_open_input freed the context
    state->format = nullptr;
    error = failure_reason(code);
    return nullptr;
  }
  AVFormatContext* format = state->format;
  const std::string container = format->iformat ? format->iformat->name : "unknown";
  code = avformat_find_stream_info(format, nullptr);
  W2V2_CHECK_AS(AudioReadError, code >= 0, path, ": cannot read the streams of this ", container, " file (",
                failure_reason(code), ")");

  std::vector<int> audio_streams;
  int video_streams = 0;
  for (unsigned k = 0; k < format->nb_streams; ++k) {
    const AVMediaType type = format->streams[k]->codecpar->codec_type;
    if (type == AVMEDIA_TYPE_AUDIO) audio_streams.push_back(static_cast<int>(k));
    if (type == AVMEDIA_TYPE_VIDEO) ++video_streams;
  }
  W2V2_CHECK_AS(AudioReadError, !audio_streams.empty(), path, ": no audio stream (", container, " with ",
                format->nb_streams, " stream", format->nb_streams == 1 ? "" : "s", ", ", video_streams, " video)");
  W2V2_CHECK_AS(AudioReadError, stream < static_cast<int>(audio_streams.size()), path, ": audio stream ", stream,
                " asked (--audio-stream) but the file has ", audio_streams.size(), " (numbered from 0)");
  const AVCodec* decoder = nullptr;
  const int index =
      av_find_best_stream(format, AVMEDIA_TYPE_AUDIO, stream < 0 ? -1 : audio_streams[stream], -1, &decoder, 0);
  const int chosen = index >= 0 ? index : (stream < 0 ? audio_streams.front() : audio_streams[stream]);
  const char* codec_name = avcodec_get_name(format->streams[chosen]->codecpar->codec_id);
  W2V2_CHECK_AS(AudioReadError, index != AVERROR_DECODER_NOT_FOUND && decoder != nullptr, path,
                ": this FFmpeg has no decoder for the audio codec \"", codec_name, "\" (", container, ")");
  W2V2_CHECK_AS(AudioReadError, index >= 0, path, ": no usable audio stream (", failure_reason(index), ")");
  state->stream = index;
  AVStream* av_stream = format->streams[index];
  // MP4, M4A, MOV: the track's stated duration (its header's, less the priming its edit list skips) is what a
  // player plays; FFmpeg 5.1 trims that priming but decodes the padding after the end (its CLI too).
  state->trim_end = container.rfind("mov,mp4", 0) == 0;

  state->codec = avcodec_alloc_context3(decoder);
  state->packet = av_packet_alloc();
  state->frame = av_frame_alloc();
  W2V2_CHECK_AS(AudioReadError, state->codec && state->packet && state->frame, path, ": out of memory");
  code = avcodec_parameters_to_context(state->codec, av_stream->codecpar);
  W2V2_CHECK_AS(AudioReadError, code >= 0, path, ": bad codec parameters (", failure_reason(code), ")");
  state->codec->pkt_timebase = av_stream->time_base;
  state->codec->thread_count = 1;  // files are read on several reader threads already
  code = avcodec_open2(state->codec, decoder, nullptr);
  W2V2_CHECK_AS(AudioReadError, code >= 0, path, ": cannot open the ", codec_name, " decoder (", failure_reason(code),
                ")");

  std::unique_ptr<FfmpegDecoder> result(new FfmpegDecoder(std::move(state)));
  AudioFormat& out = result->format_;
  out.reader = "ffmpeg";
  out.container = container;
  out.codec = codec_name;
  out.exact_length = false;
  // The first frame says what the stream really is (HE-AAC's header states half its rate, for one).
  W2V2_CHECK_AS(AudioReadError, result->next_frame(), path, ": no audio could be decoded from its ", codec_name,
                " stream");
  return result;
}

bool FfmpegDecoder::next_frame() {
  State& s = *state_;
  AudioFormat& format = format_;
  // A broken packet is skipped, as FFmpeg's CLI skips it; a stream of nothing else is given up on.
  auto count_decode_error = [&s](int code) {
    W2V2_CHECK_AS(AudioReadError, ++s.decode_errors < kMaxConsecutiveDecodeErrors, s.path, ": ",
                  kMaxConsecutiveDecodeErrors, " decode errors in a row (", failure_reason(code), ")");
  };
  for (;;) {
    int code = avcodec_receive_frame(s.codec, s.frame);
    if (code == 0) {
      s.decode_errors = 0;
      AVFrame* frame = s.frame;
      const int channels = frame->ch_layout.nb_channels;
      const int samples = frame->nb_samples;
      if (format.channels == 0) {
        format.channels = channels;
        format.sample_rate_hz = frame->sample_rate;
      }
      W2V2_CHECK_AS(AudioReadError, channels == format.channels && frame->sample_rate == format.sample_rate_hz,
                    s.path, ": the audio changes from ", format.channels, " channels at ", format.sample_rate_hz,
                    " Hz to ", channels, " at ", frame->sample_rate, " Hz after ", s.decoded,
                    " frames; such streams are not supported");
      const auto sample_format = static_cast<AVSampleFormat>(frame->format);
      const AVSampleFormat packed = av_get_packed_sample_fmt(sample_format);
      W2V2_CHECK_AS(AudioReadError,
                    packed == AV_SAMPLE_FMT_U8 || packed == AV_SAMPLE_FMT_S16 || packed == AV_SAMPLE_FMT_S32 ||
                        packed == AV_SAMPLE_FMT_S64 || packed == AV_SAMPLE_FMT_FLT || packed == AV_SAMPLE_FMT_DBL,
                    s.path, ": unsupported sample format ", av_get_sample_fmt_name(sample_format));
      const bool planar = av_sample_fmt_is_planar(sample_format);
      s.pending.resize(static_cast<size_t>(samples) * static_cast<size_t>(channels));
      s.pending_offset = 0;
      for (int c = 0; c < channels; ++c) {
        const uint8_t* data = planar ? frame->extended_data[c] : frame->extended_data[0];
        for (int i = 0; i < samples; ++i) {
          s.pending[static_cast<size_t>(i) * channels + c] = sample_value(data, packed, planar ? i : i * channels + c);
        }
      }
      if (s.decoded == 0) s.find_stated_end(frame->best_effort_timestamp, format.sample_rate_hz);
      s.hold_past_stated_end(s.decoded, samples, channels);
      s.decoded += samples;
      av_frame_unref(frame);
      if (!s.pending.empty()) return true;
      continue;
    }
    if (code == AVERROR_EOF) return false;
    if (code != AVERROR(EAGAIN)) {
      count_decode_error(code);
      continue;
    }
    if (s.flushed) return false;  // cannot happen after a flush; never loop on it
    last_ffmpeg_error.clear();
    code = av_read_frame(s.format, s.packet);
    if (code < 0) {
      if (code != AVERROR_EOF) {
        spdlog::warn("{}: read error after {:.2f} s of audio ({}); transcribing what was read", s.path,
                     format.sample_rate_hz ? static_cast<double>(s.decoded) / format.sample_rate_hz : 0.0,
                     failure_reason(code));
      }
      avcodec_send_packet(s.codec, nullptr);  // drain the decoder
      s.flushed = true;
      continue;
    }
    if (s.packet->stream_index != s.stream) {
      av_packet_unref(s.packet);
      continue;
    }
    code = avcodec_send_packet(s.codec, s.packet);
    av_packet_unref(s.packet);
    if (code < 0 && code != AVERROR(EAGAIN)) count_decode_error(code);
  }
}

int64_t FfmpegDecoder::read(float* interleaved, int64_t frames) {
  State& s = *state_;
  const auto channels = static_cast<size_t>(format_.channels);
  int64_t done = 0;
  while (done < frames) {
    if (s.pending_offset == s.pending.size() && !next_frame()) break;
    const auto available = static_cast<int64_t>((s.pending.size() - s.pending_offset) / channels);
    const int64_t take = std::min(available, frames - done);
    std::copy_n(s.pending.data() + s.pending_offset, static_cast<size_t>(take) * channels,
                interleaved + static_cast<size_t>(done) * channels);
    s.pending_offset += static_cast<size_t>(take) * channels;
    done += take;
  }
  position_ += done;
  return done;
}

void FfmpegDecoder::seek(int64_t frame) {
  W2V2_CHECK_AS(AudioReadError, frame >= position_, state_->path, ": cannot seek back to frame ", frame,
                " (decoded front to back)");
  std::vector<float> scratch(static_cast<size_t>(4096) * static_cast<size_t>(format_.channels));
  while (position_ < frame) {
    if (read(scratch.data(), std::min<int64_t>(4096, frame - position_)) == 0) break;
  }
}

}  // namespace w2v2

#else  // without FFmpeg

namespace w2v2 {

struct FfmpegDecoder::State {};
bool FfmpegDecoder::built() { return false; }
FfmpegDecoder::FfmpegDecoder(std::unique_ptr<State> state) : state_(std::move(state)) {}
FfmpegDecoder::~FfmpegDecoder() = default;
std::unique_ptr<FfmpegDecoder> FfmpegDecoder::open(int, const std::string&, int, std::string& error) {
  error = "this build has no FFmpeg (CMake W2V2_FFMPEG)";
  return nullptr;
}
int64_t FfmpegDecoder::read(float*, int64_t) { return 0; }
void FfmpegDecoder::seek(int64_t) {}
bool FfmpegDecoder::next_frame() { return false; }

}  // namespace w2v2

#endif
