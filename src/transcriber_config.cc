#include "transcriber_config.h"

#include <filesystem>
#include <sstream>
#include <vector>

#include "common/error.h"
#include "datasets/shard.h"

namespace w2v2 {

namespace {

constexpr const char* kShardPlaceholder = "{shard}";

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

}  // namespace

void OutputConfig::resolve_paths(const Shard* shard) {
  if (shard != nullptr) {
    for (std::string* p : {&path, &output_dir, &journal_path}) replace_all(*p, kShardPlaceholder, std::to_string(shard->index));
  }
  if (journal_path.empty()) {
    if (!output_dir.empty()) {
      journal_path = (std::filesystem::path(output_dir) / ".w2v2-journal.jsonl").string();
    } else if (!path.empty() && path != "-") {
      journal_path = path + ".journal";
    }
  }
  W2V2_CHECK_AS(ConfigError, !resume || !journal_path.empty(),
                "--resume needs --output FILE, --output-dir DIR or --journal FILE");
}

void TranscriberConfig::resolve_for_device(const Device& device, unsigned cores) {
  pipeline.resolve_for_device(device, cores, audio.target_sample_rate_hz);
}

void TranscriberConfig::validate() const {
  std::vector<std::string> problems;
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
                     +[](const TranscriberConfig& c) { c.pipeline.validate(); },
                     +[](const TranscriberConfig& c) { c.decoding.validate(); }}) {
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
      << (audio.channel < 0 ? std::string("mix") : std::to_string(audio.channel)) << ", audio_stream="
      << (audio.audio_stream < 0 ? std::string("best") : std::to_string(audio.audio_stream)) << ", " << runtime.to_string() << ", " << pipeline.to_string() << ", " << decoding.to_string()
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
