#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "transcriber_config.h"

namespace w2v2::app {

enum class Command { kNone, kTranscribe, kRandomModel };

struct CliOptions {
  Command command = Command::kNone;
  std::vector<std::string> inputs;
  TranscriberConfig transcriber;
  std::string random_config_dir;  // random-model: source of config.json / vocab.json
  std::string random_output_dir;
  uint64_t random_seed = 0;
  bool exit_now = false;  // --help / --version handled
  int exit_code = 0;
};

// Parses argv with CLI11. On --help, --version or a usage error the message is printed here and
// `exit_now` is set with the code to return.
CliOptions parse_cli(int argc, char** argv);

}  // namespace w2v2::app
