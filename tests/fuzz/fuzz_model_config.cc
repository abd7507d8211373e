// config.json and preprocessor_config.json: valid configs round-trip, anything else is an Error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/error.h"
#include "features/preprocessor_config.h"
#include "checkpoint/wav2vec2_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto config = w2v2::Wav2Vec2Config::from_json_text(text, "fuzz");
    const auto again = w2v2::Wav2Vec2Config::from_json_text(config.to_json_text(), "round trip");
    if (again.to_json_text() != config.to_json_text()) __builtin_trap();  // a config must survive a round trip
    (void)config.receptive_field();
    (void)config.output_frames(16000);
    if (config.parameter_count() < 0) __builtin_trap();  // UBSan also checks the arithmetic for overflow
  } catch (const w2v2::Error&) {
  }
  try {
    (void)w2v2::PreprocessorConfig::from_json_text(text, "fuzz");
  } catch (const w2v2::Error&) {
  }
  return 0;
}
