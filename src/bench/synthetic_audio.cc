#include "bench/synthetic_audio.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>

#include "audio/audio_file_writer.h"
#include "common/error.h"

namespace w2v2 {

std::vector<float> synthetic_speech(double seconds, int sample_rate_hz, uint64_t seed) {
  W2V2_CHECK_AS(ConfigError, seconds > 0 && sample_rate_hz > 0, "synthetic audio needs a positive length and rate");
  const auto n = static_cast<size_t>(std::llround(seconds * sample_rate_hz));
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::normal_distribution<double> noise(0.0, 0.01);
  const double two_pi = 2.0 * M_PI;
  const double formants[3] = {500.0 + 300.0 * uniform(rng), 1500.0 + 500.0 * uniform(rng), 2500.0 + 500.0 * uniform(rng)};
  const double base_pitch = 90.0 + 160.0 * uniform(rng);
  std::vector<float> out(n);
  double phase = 0.0;
  double syllable_end = 0.0;  // seconds
  bool voiced = true;
  for (size_t i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / sample_rate_hz;
    if (t >= syllable_end) {  // syllables of 80-300 ms, about one in four silent
      voiced = uniform(rng) > 0.25;
      syllable_end = t + 0.08 + 0.22 * uniform(rng);
    }
    const double pitch = base_pitch * (1.0 + 0.15 * std::sin(two_pi * 0.7 * t));
    phase += two_pi * pitch / sample_rate_hz;
    double v = 0.0;
    if (voiced) {
      for (int h = 1; h <= 20; ++h) {  // harmonics weighted by distance to the nearest formant
        const double f = h * pitch;
        double gain = 0.0;
        for (double formant : formants) gain += 1.0 / (1.0 + std::pow((f - formant) / 150.0, 2.0));
        v += gain * std::sin(h * phase) / h;
      }
    }
    out[i] = static_cast<float>(0.2 * v + noise(rng));
  }
  return out;
}

std::vector<std::string> write_synthetic_corpus(const std::string& dir, const std::vector<double>& durations,
                                                int count, uint64_t seed) {
  W2V2_CHECK_AS(ConfigError, !durations.empty() && count > 0, "synthetic corpus needs durations and a count");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  W2V2_CHECK_AS(OutputError, !ec, dir, ": cannot create (", ec.message(), ")");
  constexpr int kRate = 16000;
  // The bytes still to write, against the free space, before writing any: a mistyped --count must not fill
  // the disk (files already there with the right size are reused and cost nothing).
  auto name_of = [&](int i, double seconds) {
    char name[64];
    std::snprintf(name, sizeof(name), "synth-%04d-%.2fs.wav", i, seconds);
    return (std::filesystem::path(dir) / name).string();
  };
  auto size_of = [](double seconds) {  // canonical 16-bit mono WAV header + data
    return 44 + 2 * static_cast<uintmax_t>(std::llround(seconds * kRate));
  };
  std::map<std::string, uintmax_t> existing;  // one listing, not a stat per planned file
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code size_ec;
    const uintmax_t size = it->file_size(size_ec);
    if (!size_ec) existing.emplace(it->path().string(), size);
  }
  uintmax_t needed = 0;
  for (int i = 0; i < count; ++i) {
    const double seconds = durations[static_cast<size_t>(i) % durations.size()];
    const auto it = existing.empty() ? existing.end() : existing.find(name_of(i, seconds));
    if (it == existing.end() || it->second != size_of(seconds)) needed += size_of(seconds);
  }
  const auto space = std::filesystem::space(dir, ec);
  const uintmax_t reserve = uintmax_t{256} << 20;  // leave room for everything else
  W2V2_CHECK_AS(ConfigError, ec || needed + reserve <= space.available, dir, ": ", count,
                " synthetic files need up to ", needed >> 20, " MiB but only ", space.available >> 20,
                " MiB are free (keeping 256 MiB); lower --count or --durations, or give --audio-dir elsewhere");
  std::vector<std::string> paths;
  for (int i = 0; i < count; ++i) {
    const double seconds = durations[static_cast<size_t>(i) % durations.size()];
    const std::string path = name_of(i, seconds);
    if (std::filesystem::file_size(path, ec) != size_of(seconds) || ec) {
      write_wav_file(path, synthetic_speech(seconds, kRate, seed * 1000003u + static_cast<uint64_t>(i)), kRate);
    }
    paths.push_back(path);
  }
  return paths;
}

}  // namespace w2v2
