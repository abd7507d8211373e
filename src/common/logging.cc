#include "common/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <array>
#include <cstdlib>
#include <utility>

#include "common/error.h"

namespace w2v2 {
namespace {
constexpr std::array<std::pair<const char*, LogLevel>, 6> kLevels{{{"trace", LogLevel::kTrace},
                                                                    {"debug", LogLevel::kDebug},
                                                                    {"info", LogLevel::kInfo},
                                                                    {"warn", LogLevel::kWarn},
                                                                    {"error", LogLevel::kError},
                                                                    {"off", LogLevel::kOff}}};

spdlog::level::level_enum to_spdlog(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace: return spdlog::level::trace;
    case LogLevel::kDebug: return spdlog::level::debug;
    case LogLevel::kInfo: return spdlog::level::info;
    case LogLevel::kWarn: return spdlog::level::warn;
    case LogLevel::kError: return spdlog::level::err;
    case LogLevel::kOff: return spdlog::level::off;
  }
  return spdlog::level::info;
}
}  // namespace

LogLevel parse_log_level(const std::string& text) {
  for (const auto& [name, level] : kLevels) {
    if (text == name) return level;
  }
  throw ConfigError("unknown log level '" + text + "' (choose trace, debug, info, warn, error or off)");
}

std::string to_string(LogLevel level) {
  for (const auto& [name, value] : kLevels) {
    if (value == level) return name;
  }
  return "info";
}

void init_logging(const LoggingConfig& config) {
  LogLevel level = config.level;
  if (const char* env = std::getenv("W2V2_LOG_LEVEL"); env != nullptr && level == LogLevel::kInfo) {
    level = parse_log_level(env);
  }
  spdlog::drop("w2v2");
  auto logger = spdlog::stderr_color_mt("w2v2");
  logger->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%l] [thread %t] %v");
  logger->set_level(to_spdlog(level));
  spdlog::set_default_logger(logger);
}

}  // namespace w2v2
