#include "transcriber_config.h"

#include <sstream>
#include <vector>

#include "common/error.h"

namespace w2v2 {

void TranscriberConfig::validate() const {
  std::vector<std::string> problems;
  if (model_dir.empty()) problems.push_back("model folder must not be empty");
  for (auto check : {+[](const TranscriberConfig& c) { c.audio.validate(); },
                     +[](const TranscriberConfig& c) { c.runtime.validate(); },
                     +[](const TranscriberConfig& c) { c.pipeline.validate(); }}) {
    try {
      check(*this);
    } catch (const ConfigError& e) {
      problems.push_back(e.what());
    }
  }
  throw_if_problems("invalid settings:", problems);
}

std::string TranscriberConfig::to_string() const {
  std::ostringstream out;
  out << "TranscriberConfig(model=" << model_dir << ", channel="
      << (audio.channel < 0 ? std::string("mix") : std::to_string(audio.channel)) << ", " << runtime.to_string() << ", " << pipeline.to_string()
      << ", format=" << w2v2::to_string(output.format) << ", output=" << (output.path.empty() ? "-" : output.path)
      << ", logits_dir=" << (output.logits_dir.empty() ? "none" : output.logits_dir) << ")";
  return out.str();
}

}  // namespace w2v2
