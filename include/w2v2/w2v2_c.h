#ifndef W2V2_W2V2_C_H
#define W2V2_W2V2_C_H
/* w2v2's C API, for FFI (Python ctypes, Go, Rust, ...). Every function returns NULL (or -1) on failure and, when
 * `error` is not NULL, sets *error to a message the caller frees with w2v2_free (NULL on success). No C++
 * exception crosses it. Strings are UTF-8; returned strings are freed with w2v2_free. */

#include "w2v2/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct w2v2_recognizer w2v2_recognizer;

/* Loads a model folder ("" or NULL: the default model, see RecognizerOptions::model_dir) on the CPU with
 * `threads` intra-op threads (0: one per core). */
W2V2_API w2v2_recognizer* w2v2_recognizer_new(const char* model_dir, int threads, char** error);
W2V2_API void w2v2_recognizer_free(w2v2_recognizer* recognizer);

/* The transcript of one audio file (any format w2v2 reads). */
W2V2_API char* w2v2_transcribe_file(w2v2_recognizer* recognizer, const char* path, char** error);
/* The JSONL record `w2v2 transcribe -f jsonl` writes for the file (one JSON object, words with timings). */
W2V2_API char* w2v2_transcribe_file_json(w2v2_recognizer* recognizer, const char* path, char** error);
/* The transcript of `count` mono float samples at `sample_rate_hz`. */
W2V2_API char* w2v2_transcribe_samples(w2v2_recognizer* recognizer, const float* samples, unsigned long count,
                                       int sample_rate_hz, char** error);

/* Frees what the functions above returned (strings, error messages). NULL is fine. */
W2V2_API void w2v2_free(void* pointer);

/* The library's version, e.g. "0.1.0" (static; not to be freed). */
W2V2_API const char* w2v2_version(void);

#ifdef __cplusplus
}
#endif

#endif /* W2V2_W2V2_C_H */
