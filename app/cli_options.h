#pragma once

#include <string>
#include <vector>

#include "transcriber_config.h"

namespace w2v2::app {

enum class Command { kNone, kTranscribe };

struct CliOptions {
  Command command = Command::kNone;
  std::vector<std::string> inputs;
  TranscriberConfig transcriber;
  bool exit_now = false;  // --help / --version handled
  int exit_code = 0;
};

// Parses argv with CLI11. Usage errors throw w2v2::ConfigError-free CLI11 exceptions that are
// handled inside: on --help or a bad flag, `exit_now` is set with the code to return.
CliOptions parse_cli(int argc, char** argv);

}  // namespace w2v2::app
