#pragma once

#include <string>

namespace w2v2 {

// The machine a benchmark ran on, for its JSON report.
struct SystemInfo {
  std::string cpu_model;  // /proc/cpuinfo "model name"
  unsigned cores = 0;     // std::thread::hardware_concurrency()
  // The SIMD flags that matter: avx2, fma, avx512f (sgemm), avx512_vnni, amx_int8 (int8), avx512_bf16, amx_bf16.
  std::string cpu_flags;
  std::string blas_library;  // the BLAS shared object mapped into this process (resolved path)
  std::string kernel;        // uname -sr

  static SystemInfo probe();
};

// Peak resident set size of this process in bytes (VmHWM), and a reset of that high-water mark
// (/proc/self/clear_refs "5"; returns false where the kernel refuses it).
size_t peak_rss_bytes();
size_t current_rss_bytes();
bool reset_peak_rss();

}  // namespace w2v2
