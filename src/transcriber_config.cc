#include "transcriber_config.h"

#include <sstream>
#include <vector>

#include "common/error.h"

namespace w2v2 {

void TranscriberConfig::validate() const {
  std::vector<std::string> problems;
  if (model_dir.empty()) problems.push_back("model folder must not be empty");
  if (output.formats.empty()) problems.push_back("at least one output format is needed");
  if (output.output_dir.empty()) {
    if (output.formats.size() > 1) problems.push_back("several output formats need --output-dir (one file per input and format)");
    for (OutputFormat f : output.formats) {
      if (f == OutputFormat::kSrt || f == OutputFormat::kVtt) {
        problems.push_back("srt and vtt are per-input formats: use --output-dir");
      }
    }
  }
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
      << ", format=" << [this] {
           std::string f;
           for (OutputFormat x : output.formats) f += (f.empty() ? "" : ",") + w2v2::to_string(x);
           return f;
         }() << ", output=" << (output.path.empty() ? "-" : output.path)
      << ", output_dir=" << (output.output_dir.empty() ? "none" : output.output_dir)
      << ", logits_dir=" << (output.logits_dir.empty() ? "none" : output.logits_dir) << ")";
  return out.str();
}

}  // namespace w2v2
