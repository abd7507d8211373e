// The C API (<w2v2/w2v2_c.h>) over RecognizerRunner: every exception stops here and becomes NULL + a message.
#include "w2v2/w2v2_c.h"

#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "api/recognizer_runner.h"
#include "common/error.h"
#include "output/jsonl_writer.h"
#include "w2v2/version.h"

struct w2v2_recognizer {
  std::unique_ptr<w2v2::RecognizerRunner> runner;
};

namespace {

// A malloc'ed copy (freed with w2v2_free); NULL when out of memory.
char* copy_string(const std::string& text) {
  char* out = static_cast<char*>(std::malloc(text.size() + 1));
  if (out) std::memcpy(out, text.c_str(), text.size() + 1);
  return out;
}

void set_error(char** error, const std::string& message) {
  if (error) *error = copy_string(message);
}

// Runs `body`, turning any exception into NULL and *error.
template <typename Body>
auto guarded(char** error, Body&& body) -> decltype(body()) {
  if (error) *error = nullptr;
  try {
    return body();
  } catch (const std::bad_alloc&) {
    set_error(error, "out of memory");
  } catch (const std::exception& e) {
    set_error(error, e.what());
  } catch (...) {
    set_error(error, "unknown error");
  }
  return nullptr;
}

}  // namespace

extern "C" {

w2v2_recognizer* w2v2_recognizer_new(const char* model_dir, int threads, char** error) {
  return guarded(error, [&]() -> w2v2_recognizer* {
    w2v2::RecognizerOptions options;
    options.model_dir = model_dir ? model_dir : "";
    options.threads = threads;
    auto recognizer = std::make_unique<w2v2_recognizer>();
    recognizer->runner = std::make_unique<w2v2::RecognizerRunner>(options);
    return recognizer.release();
  });
}

void w2v2_recognizer_free(w2v2_recognizer* recognizer) { delete recognizer; }

char* w2v2_transcribe_file(w2v2_recognizer* recognizer, const char* path, char** error) {
  return guarded(error, [&]() -> char* {
    W2V2_CHECK_AS(w2v2::ConfigError, recognizer != nullptr, "w2v2_transcribe_file: recognizer is NULL");
    W2V2_CHECK_AS(w2v2::ConfigError, path != nullptr, "w2v2_transcribe_file: path is NULL");
    char* text = copy_string(recognizer->runner->run_file(path).text);
    if (!text) throw std::bad_alloc();
    return text;
  });
}

char* w2v2_transcribe_file_json(w2v2_recognizer* recognizer, const char* path, char** error) {
  return guarded(error, [&]() -> char* {
    W2V2_CHECK_AS(w2v2::ConfigError, recognizer != nullptr, "w2v2_transcribe_file_json: recognizer is NULL");
    W2V2_CHECK_AS(w2v2::ConfigError, path != nullptr, "w2v2_transcribe_file_json: path is NULL");
    char* json = copy_string(w2v2::JsonlWriter::record(recognizer->runner->run_file(path)));
    if (!json) throw std::bad_alloc();
    return json;
  });
}

char* w2v2_transcribe_samples(w2v2_recognizer* recognizer, const float* samples, unsigned long count,
                              int sample_rate_hz, char** error) {
  return guarded(error, [&]() -> char* {
    W2V2_CHECK_AS(w2v2::ConfigError, recognizer != nullptr, "w2v2_transcribe_samples: recognizer is NULL");
    W2V2_CHECK_AS(w2v2::ConfigError, samples != nullptr || count == 0, "w2v2_transcribe_samples: samples is NULL");
    char* text = copy_string(recognizer->runner->run_samples(samples, count, sample_rate_hz).text);
    if (!text) throw std::bad_alloc();
    return text;
  });
}

void w2v2_free(void* pointer) { std::free(pointer); }

const char* w2v2_version(void) { return W2V2_VERSION_STRING; }

}  // extern "C"
