// The public C++ and C APIs through libw2v2.so itself (this binary links only the shared library, as a user's
// program would), on the shipped default model: results, in-memory audio, threads, and bad input (no
// exception crosses the C API; NULL and a message instead; clean under ASan).
#include <gtest/gtest.h>
#include <sndfile.h>

#include <filesystem>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "w2v2/w2v2.h"
#include "w2v2/w2v2_c.h"

namespace {

const std::string kSource = W2V2_SOURCE_DIR;
const std::string kModel = kSource + "/models/default";

bool has_model() { return std::filesystem::exists(kModel + "/model.safetensors"); }

std::string sample(const std::string& name) { return kSource + "/data/samples/" + name; }

// Mono float samples of a mono file, and its rate.
std::vector<float> read_mono(const std::string& path, int& rate) {
  SF_INFO info{};
  SNDFILE* file = sf_open(path.c_str(), SFM_READ, &info);
  EXPECT_NE(file, nullptr) << path;
  EXPECT_EQ(info.channels, 1);
  std::vector<float> samples(static_cast<size_t>(info.frames));
  EXPECT_EQ(sf_readf_float(file, samples.data(), info.frames), info.frames);
  sf_close(file);
  rate = info.samplerate;
  return samples;
}

w2v2::RecognizerOptions options_for_default_model() {
  w2v2::RecognizerOptions options;
  options.model_dir = kModel;
  options.threads = 2;
  return options;
}

TEST(PublicApi, TranscribesFilesAndSamplesAlike) {
  if (!has_model()) GTEST_SKIP() << "models/default is not in this checkout";
  w2v2::Recognizer recognizer(options_for_default_model());
  EXPECT_EQ(recognizer.model_dir(), kModel);
  EXPECT_EQ(recognizer.device(), "cpu");
  const std::vector<std::string> paths = {sample("speech-16k.wav"), sample("speech-8k.wav"),
                                          sample("speech-16k-b.flac")};
  const std::vector<w2v2::Transcript> all = recognizer.transcribe_files(paths);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].text, "SURPRISE YOUR BOSS");  // the default model's transcript (README)
  EXPECT_EQ(all[0].container, "wav");
  EXPECT_EQ(all[2].codec, "flac");
  for (size_t i = 0; i < paths.size(); ++i) {
    const w2v2::Transcript one = recognizer.transcribe_file(paths[i]);
    EXPECT_EQ(one.text, all[i].text);
    ASSERT_FALSE(one.words.empty());
    EXPECT_GT(one.words.front().confidence, 0.0);
    EXPECT_LE(one.words.back().end, one.duration + 0.03);
  }
  // The same samples from memory (8 kHz: resampled as the file is) give the same words and timings.
  for (size_t i = 0; i < 2; ++i) {
    int rate = 0;
    const std::vector<float> samples = read_mono(paths[i], rate);
    const w2v2::Transcript memory = recognizer.transcribe(samples.data(), samples.size(), rate);
    EXPECT_EQ(memory.text, all[i].text) << paths[i];
    ASSERT_EQ(memory.words.size(), all[i].words.size());
    for (size_t w = 0; w < memory.words.size(); ++w) EXPECT_DOUBLE_EQ(memory.words[w].start, all[i].words[w].start);
    EXPECT_EQ(memory.container, "");
  }
}

TEST(PublicApi, SafeFromSeveralThreads) {
  if (!has_model()) GTEST_SKIP() << "models/default is not in this checkout";
  w2v2::Recognizer recognizer(options_for_default_model());
  const std::string expected_a = recognizer.transcribe_file(sample("speech-16k.wav")).text;
  const std::string expected_b = recognizer.transcribe_file(sample("speech-8k.wav")).text;
  std::vector<std::string> got(4);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < got.size(); ++t) {
    threads.emplace_back([&, t] {
      got[t] = recognizer.transcribe_file(sample(t % 2 ? "speech-8k.wav" : "speech-16k.wav")).text;
    });
  }
  for (auto& thread : threads) thread.join();
  for (size_t t = 0; t < got.size(); ++t) EXPECT_EQ(got[t], t % 2 ? expected_b : expected_a);
}

TEST(PublicApi, ErrorsAreTypedAndNameTheFile) {
  if (!has_model()) GTEST_SKIP() << "models/default is not in this checkout";
  w2v2::RecognizerOptions missing;
  missing.model_dir = "/no/such/model";
  EXPECT_THROW(w2v2::Recognizer{missing}, w2v2::ModelLoadError);
  w2v2::RecognizerOptions bad = options_for_default_model();
  bad.decoder = "sideways";
  EXPECT_THROW(w2v2::Recognizer{bad}, w2v2::ConfigError);
  w2v2::Recognizer recognizer(options_for_default_model());
  try {
    recognizer.transcribe_file(kSource + "/README.md");
    FAIL() << "README.md was transcribed";
  } catch (const w2v2::AudioReadError& e) {
    EXPECT_NE(std::string(e.what()).find("README.md"), std::string::npos) << e.what();
  }
  const float nan_samples[3] = {0.0f, std::numeric_limits<float>::quiet_NaN(), 0.0f};
  EXPECT_THROW(recognizer.transcribe(nan_samples, 3, 16000), w2v2::AudioReadError);
  EXPECT_THROW(recognizer.transcribe(nan_samples, 1, 5), w2v2::AudioReadError);  // a rate no one records at
  // One bad file among good ones: the others still get their transcripts.
  const auto status = recognizer.transcribe_files_status({sample("speech-16k.wav"), "/no/such.wav"});
  ASSERT_EQ(status.size(), 2u);
  EXPECT_EQ(status[0].error, "");
  EXPECT_EQ(status[0].transcript.text, "SURPRISE YOUR BOSS");
  EXPECT_NE(status[1].error.find("/no/such.wav"), std::string::npos);
  EXPECT_THROW(recognizer.transcribe_files({sample("speech-16k.wav"), "/no/such.wav"}), w2v2::AudioReadError);
}

TEST(CApi, TranscribesAndReportsErrorsWithoutThrowing) {
  if (!has_model()) GTEST_SKIP() << "models/default is not in this checkout";
  char* error = nullptr;
  EXPECT_EQ(w2v2_recognizer_new("/no/such/model", 1, &error), nullptr);
  ASSERT_NE(error, nullptr);
  EXPECT_NE(std::string(error).find("/no/such/model"), std::string::npos) << error;
  w2v2_free(error);
  EXPECT_EQ(w2v2_recognizer_new("/no/such/model", 1, nullptr), nullptr);  // no error wanted: still no crash

  w2v2_recognizer* recognizer = w2v2_recognizer_new(kModel.c_str(), 2, &error);
  ASSERT_NE(recognizer, nullptr) << error;
  EXPECT_EQ(error, nullptr);
  char* text = w2v2_transcribe_file(recognizer, sample("speech-16k.wav").c_str(), &error);
  ASSERT_NE(text, nullptr) << error;
  EXPECT_STREQ(text, "SURPRISE YOUR BOSS");
  w2v2_free(text);
  char* json = w2v2_transcribe_file_json(recognizer, sample("speech-16k.wav").c_str(), &error);
  ASSERT_NE(json, nullptr) << error;
  EXPECT_NE(std::string(json).find("\"text\":\"SURPRISE YOUR BOSS\""), std::string::npos) << json;
  EXPECT_NE(std::string(json).find("\"words\":[{\"word\":\"SURPRISE\",\"start\":"), std::string::npos) << json;
  w2v2_free(json);
  int rate = 0;
  const std::vector<float> samples = read_mono(sample("speech-16k.wav"), rate);
  text = w2v2_transcribe_samples(recognizer, samples.data(), samples.size(), rate, &error);
  ASSERT_NE(text, nullptr) << error;
  EXPECT_STREQ(text, "SURPRISE YOUR BOSS");
  w2v2_free(text);

  // Bad input: NULL and a message, never an exception or a crash.
  const std::string broken = kSource + "/README.md";
  EXPECT_EQ(w2v2_transcribe_file(recognizer, broken.c_str(), &error), nullptr);
  ASSERT_NE(error, nullptr);
  EXPECT_NE(std::string(error).find("README.md"), std::string::npos) << error;
  w2v2_free(error);
  EXPECT_EQ(w2v2_transcribe_file_json(recognizer, "/no/such.wav", &error), nullptr);
  ASSERT_NE(error, nullptr);
  w2v2_free(error);
  EXPECT_EQ(w2v2_transcribe_file(nullptr, broken.c_str(), &error), nullptr);
  ASSERT_NE(error, nullptr);
  EXPECT_NE(std::string(error).find("recognizer is NULL"), std::string::npos);
  w2v2_free(error);
  EXPECT_EQ(w2v2_transcribe_file(recognizer, nullptr, &error), nullptr);
  ASSERT_NE(error, nullptr);
  w2v2_free(error);
  EXPECT_EQ(w2v2_transcribe_samples(recognizer, nullptr, 10, 16000, &error), nullptr);
  ASSERT_NE(error, nullptr);
  w2v2_free(error);
  EXPECT_EQ(w2v2_transcribe_file(recognizer, "/no/such.wav", nullptr), nullptr);
  w2v2_free(nullptr);
  w2v2_recognizer_free(recognizer);
  w2v2_recognizer_free(nullptr);
  EXPECT_STREQ(w2v2_version(), W2V2_VERSION_STRING);
}

}  // namespace
