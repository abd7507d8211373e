// Prints "<path>\t<text>" for each audio file, as `w2v2 transcribe` does, through the installed C++ API; then
// checks the in-memory path and the errors a user meets.
#include <w2v2/w2v2.h>

#include <cmath>
#include <iostream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: cpp_client FILE...\n";
    return 2;
  }
  try {
    w2v2::RecognizerOptions options;  // model_dir "": the default (here: the installed one)
    options.threads = 2;
    w2v2::Recognizer recognizer(options);
    std::vector<std::string> paths(argv + 1, argv + argc);
    const std::vector<w2v2::Transcript> all = recognizer.transcribe_files(paths);
    for (size_t i = 0; i < paths.size(); ++i) std::cout << paths[i] << '\t' << all[i].text << '\n';
    // One file alone gives what the batch gave, with word timings inside the audio.
    const w2v2::Transcript one = recognizer.transcribe_file(paths[0]);
    if (one.text != all[0].text || one.words.empty() || one.words.back().end > one.duration + 0.05) {
      std::cerr << "transcribe_file disagrees with transcribe_files\n";
      return 1;
    }
    // Silence in memory: an empty transcript, not an error.
    const std::vector<float> silence(16000, 0.0f);
    if (!recognizer.transcribe(silence.data(), silence.size(), 16000).text.empty()) {
      std::cerr << "silence gave words\n";
      return 1;
    }
    try {
      recognizer.transcribe_file("/no/such/file.wav");
      std::cerr << "a missing file did not throw\n";
      return 1;
    } catch (const w2v2::AudioReadError& e) {
      if (std::string(e.what()).find("/no/such/file.wav") == std::string::npos) return 1;
    }
    std::cerr << "w2v2 " << w2v2::version() << " (headers " << W2V2_VERSION_STRING << "), " << recognizer.description()
              << "\n";
  } catch (const w2v2::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
