#pragma once
// w2v2's public C++ API: speech recognition with a Wav2Vec2 (CTC) model folder. Link libw2v2 (CMake:
// find_package(w2v2) and w2v2::w2v2; pkg-config: w2v2). No LibTorch, spdlog or JSON header is needed.
//
//   w2v2::RecognizerOptions options;
//   options.model_dir = "/usr/share/w2v2/models/default";
//   w2v2::Recognizer recognizer(options);
//   w2v2::Transcript t = recognizer.transcribe_file("a.flac");   // t.text, t.words
//
// Errors are exceptions derived from w2v2::Error (<w2v2/error.h>).

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "w2v2/error.h"
#include "w2v2/export.h"
#include "w2v2/version.h"

namespace w2v2 {

// How a Recognizer loads and runs its model. Empty strings and zeros mean the defaults the CLI has.
struct W2V2_API RecognizerOptions {
  // A Hugging Face checkpoint folder (config.json, vocab.json, model.safetensors or pytorch_model.bin). "": the
  // default model: $W2V2_MODEL, else models/default under the working folder, else the installed
  // <prefix>/share/w2v2/models/default.
  std::string model_dir;
  std::string device = "cpu";  // "cpu", "cuda", "cuda:N" or "auto"
  int threads = 0;             // intra-op threads; 0: one per usable core
  std::string precision = "fp32";  // "fp32" or "bf16"; "int8" on the CPU; "tf32" or "fp16" on CUDA

  // Decoding (the CLI's --decoder, --beam-size, --lm, --lm-weight, --word-score, --hotwords).
  std::string decoder = "auto";  // "auto" (beam search when there is an LM), "greedy" or "beam"
  int beam_size = 0;             // 0: the default (32)
  std::string lm;                // "": the model folder's language_model/ if any; "none"; or an .arpa/.w2lm file
  double lm_weight = -1.0;       // < 0: the LM folder's attrs.json, else 0.5
  double word_score = -1e300;    // unset: attrs.json, else 1.0
  std::string hotwords;          // "": none; else a file of "phrase [boost]" lines

  int channel = -1;       // -1: the mean of all channels; else this 0-based channel
  int audio_stream = -1;  // -1: the file's best audio stream; else this 0-based audio stream (MKV, MP4, ...)
  double chunk_seconds = 0.0;  // 0: the default chunking of long audio (30 s chunks with context)
  bool log_to_stderr = false;  // the library's log (spdlog) on stderr; off: errors only
};

// One recognized word: its text, where it is in the audio (seconds from the start) and the model's mean
// probability over its frames.
struct W2V2_API Word {
  std::string text;
  double start = 0.0;
  double end = 0.0;
  double confidence = 0.0;
};

struct W2V2_API Transcript {
  std::string text;
  std::vector<Word> words;
  double duration = 0.0;   // seconds of audio
  std::string container;   // what was read: e.g. "wav", "mov,mp4,m4a,3gp,3g2,mj2" ("" for samples in memory)
  std::string codec;       // e.g. "pcm_s16", "aac"
};

// Loads the model once; every transcribe* call may come from any thread (calls run one at a time, each using
// all of the model's threads). Throws ConfigError, ModelLoadError or LanguageModelError when the options or
// the model folder cannot be used.
class W2V2_API Recognizer {
 public:
  explicit Recognizer(const RecognizerOptions& options);
  ~Recognizer();
  Recognizer(const Recognizer&) = delete;
  Recognizer& operator=(const Recognizer&) = delete;
  Recognizer(Recognizer&&) noexcept;
  Recognizer& operator=(Recognizer&&) noexcept;

  // Any audio file w2v2 reads (WAV, FLAC, MP3, Ogg, M4A, MP4, WebM, ...). Throws AudioReadError naming it.
  Transcript transcribe_file(const std::string& path);
  // `count` mono samples at `sample_rate_hz` (resampled to the model's rate). Throws AudioReadError for
  // non-finite samples or an unusable rate.
  Transcript transcribe(const float* samples, size_t count, int sample_rate_hz);
  // The pipelined batch path (reading, the model and decoding overlap), results in input order. A file that
  // fails throws AudioReadError naming it once every file ran; transcribe_files_status() keeps going instead.
  std::vector<Transcript> transcribe_files(const std::vector<std::string>& paths);

  // As transcribe_files, with one entry per path: the transcript, or the error that file met ("" when none).
  struct FileResult {
    Transcript transcript;
    std::string error;
  };
  std::vector<FileResult> transcribe_files_status(const std::vector<std::string>& paths);

  std::string model_dir() const;    // the folder actually loaded
  std::string device() const;       // e.g. "cpu" or "cuda:0 (NVIDIA H200)"
  std::string description() const;  // the model, decoder and precision, one line

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The library's version, e.g. "0.1.0" (W2V2_VERSION_STRING is the headers').
W2V2_API const char* version();

}  // namespace w2v2
