#pragma once

#include <string>

namespace w2v2 {

enum class LogLevel { kTrace, kDebug, kInfo, kWarn, kError, kOff };

struct LoggingConfig {
  LogLevel level = LogLevel::kInfo;
};

// Parses "trace|debug|info|warn|error|off"; throws ConfigError listing the choices.
LogLevel parse_log_level(const std::string& text);
std::string to_string(LogLevel level);

// Configures the one stderr logger. Called once, from the application; the level may also come
// from the W2V2_LOG_LEVEL environment variable when `config` keeps the default.
void init_logging(const LoggingConfig& config);

}  // namespace w2v2
