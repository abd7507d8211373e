#include "features/preprocessor_config.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <vector>

#include "common/error.h"
#include "common/json_limits.h"

namespace w2v2 {

void PreprocessorConfig::validate() const {
  std::vector<std::string> problems;
  if (sampling_rate != 16000) {
    problems.push_back("sampling_rate must be 16000 (got " + std::to_string(sampling_rate) + ")");
  }
  if (feature_size != 1) {
    problems.push_back("feature_size must be 1 for raw-waveform Wav2Vec2 (got " +
                       std::to_string(feature_size) + ")");
  }
  throw_if_problems("invalid preprocessor config:", problems);
}

std::string PreprocessorConfig::to_string() const {
  std::ostringstream out;
  out << "PreprocessorConfig(sampling_rate=" << sampling_rate << ", do_normalize=" << std::boolalpha
      << do_normalize << ", padding_value=" << padding_value << ", feature_size=" << feature_size << ")";
  return out.str();
}

PreprocessorConfig PreprocessorConfig::from_json_text(const std::string& text, const std::string& source) {
  PreprocessorConfig config;
  try {
    const auto json = parse_json_bounded<ConfigError>(text, source);
    W2V2_CHECK_AS(ConfigError, json.is_object(), source, ": expected a JSON object");
    config.sampling_rate = json.value("sampling_rate", config.sampling_rate);
    config.do_normalize = json.value("do_normalize", config.do_normalize);
    config.padding_value = json.value("padding_value", config.padding_value);
    config.feature_size = json.value("feature_size", config.feature_size);
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(source + ": " + e.what());
  }
  try {
    config.validate();
  } catch (const ConfigError& e) {
    throw ConfigError(source + ": " + e.what());
  }
  return config;
}

PreprocessorConfig PreprocessorConfig::from_file(const std::string& path) {
  return from_json_text(read_text_file(path), path);
}

}  // namespace w2v2
