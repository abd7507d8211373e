#include "bench/system_info.h"

#include <sys/utsname.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

namespace w2v2 {
namespace {

// A "<key>: <n> kB" line of /proc/self/status, in bytes; 0 when absent.
size_t status_bytes(const std::string& key) {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind(key, 0) == 0) return static_cast<size_t>(std::stoull(line.substr(key.size()))) * 1024;
  }
  return 0;
}

// Value of the first "key : value" line of /proc/cpuinfo whose key is `key`.
std::string cpuinfo_field(const std::string& key) {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.pop_back();
    if (name == key) return line.substr(std::min(line.size(), colon + 2));
  }
  return "";
}

// The BLAS library mapped into the process: libtorch's BLAS calls go through libblas.so.3, which
// Debian's alternatives point at OpenBLAS or the reference implementation.
std::string mapped_blas() {
  std::ifstream maps("/proc/self/maps");
  for (std::string line; std::getline(maps, line);) {
    const auto slash = line.find('/');
    if (slash == std::string::npos) continue;
    const std::string path = line.substr(slash);
    const std::string name = std::filesystem::path(path).filename().string();
    if (name.find("blas") != std::string::npos || name.find("mkl_core") != std::string::npos) {
      std::error_code ec;
      const auto resolved = std::filesystem::canonical(path, ec);
      return ec ? path : resolved.string();
    }
  }
  return "none mapped";
}

}  // namespace

SystemInfo SystemInfo::probe() {
  SystemInfo info;
  info.cpu_model = cpuinfo_field("model name");
  info.cores = std::thread::hardware_concurrency();
  std::istringstream flags(cpuinfo_field("flags"));
  for (std::string flag; flags >> flag;) {
    static const std::set<std::string> kWanted{"avx2",        "fma",      "avx512f", "avx512_vnni",
                                               "avx512_bf16", "amx_bf16", "amx_int8"};
    if (kWanted.count(flag)) info.cpu_flags += (info.cpu_flags.empty() ? "" : " ") + flag;
  }
  info.blas_library = mapped_blas();
  utsname u{};
  if (uname(&u) == 0) info.kernel = std::string(u.sysname) + " " + u.release;
  return info;
}

size_t peak_rss_bytes() { return status_bytes("VmHWM:"); }

size_t current_rss_bytes() { return status_bytes("VmRSS:"); }

bool reset_peak_rss() {
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
  clear.flush();
  return static_cast<bool>(clear);
}

}  // namespace w2v2
