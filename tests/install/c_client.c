/* Prints "<path>\t<text>" for each audio file through the installed C API (built with pkg-config). */
#include <stdio.h>
#include <string.h>

#include <w2v2/w2v2_c.h>

int main(int argc, char** argv) {
  char* error = NULL;
  w2v2_recognizer* recognizer = w2v2_recognizer_new(NULL, 2, &error);
  if (!recognizer) {
    fprintf(stderr, "error: %s\n", error);
    w2v2_free(error);
    return 1;
  }
  int status = 0;
  for (int i = 1; i < argc; ++i) {
    char* text = w2v2_transcribe_file(recognizer, argv[i], &error);
    if (!text) {
      fprintf(stderr, "error: %s\n", error);
      w2v2_free(error);
      status = 1;
      continue;
    }
    printf("%s\t%s\n", argv[i], text);
    w2v2_free(text);
  }
  char* json = w2v2_transcribe_file_json(recognizer, argv[1], &error);
  if (!json || strstr(json, "\"words\":[{\"word\":") == NULL) status = 1;
  w2v2_free(json);
  w2v2_recognizer_free(recognizer);
  return status;
}
