// Int8Linear against LibTorch's float32 linear (OpenBLAS sgemm here) on wav2vec2-base's linear shapes, in one
// run: median milliseconds, GFLOP/s (2·M·K·N per call, quantization included for int8) and the ratio.
//   build/w2v2_int8_bench [--threads T] [--repeat R] [--bits 7|8] [--activation-bits 8|16]
#include <ATen/Parallel.h>
#include <CLI/CLI.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "common/host_memory.h"
#include "model/int8_linear.h"

namespace {

template <typename F>
double median_ms(int repeat, F&& f) {
  f();  // warm-up: primitive creation, first-touch of buffers
  std::vector<double> ms;
  for (int r = 0; r < repeat; ++r) {
    const auto start = std::chrono::steady_clock::now();
    f();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("Int8Linear vs float32 linear on wav2vec2-base shapes");
  int threads = 2, repeat = 25, bits = 0, activation_bits = 8;
  bool keep_host = true;
  app.add_flag("!--no-keep-host-memory", keep_host, "leave glibc's allocator as it is");
  app.add_option("--threads", threads)->capture_default_str();
  app.add_option("--repeat", repeat)->capture_default_str();
  app.add_option("--bits", bits, "weight bits (0 = exact on this CPU)")->capture_default_str();
  app.add_option("--activation-bits", activation_bits, "8 (one u8 pass) or 16 (two)")
      ->capture_default_str()
      ->check(CLI::IsMember({8, 16}));
  CLI11_PARSE(app, argc, argv);
  at::set_num_threads(threads);
  keep_host = keep_host && w2v2::keep_freed_host_memory();  // as w2v2 runs (--keep-host-memory on)
  if (bits == 0) bits = w2v2::Int8Linear::exact_weight_bits();
  torch::InferenceMode guard;
  torch::manual_seed(0);
  std::printf("threads %d, %d-bit weights, %d-bit activations, VNNI %s, host memory kept %s\n"
              "%6s %5s %5s | %9s %9s | %9s %9s | %6s\n", threads, bits, activation_bits,
              w2v2::Int8Linear::cpu_has_vnni() ? "yes" : "no", keep_host ? "yes" : "no", "M", "K", "N", "fp32 ms", "GFLOP/s", "int8 ms",
              "GFLOP/s", "ratio");
  const std::vector<std::pair<int64_t, int64_t>> shapes{{768, 2304}, {768, 768}, {768, 3072}, {3072, 768}, {512, 768}};
  for (int64_t M : {499, 1499}) {
    for (const auto& [K, N] : shapes) {
      const torch::Tensor x = torch::randn({M, K});
      const torch::Tensor w = torch::randn({N, K}) * 0.02;
      const torch::Tensor b = torch::randn({N});
      const w2v2::Int8Linear layer(w, b, bits, activation_bits);
      const double f = median_ms(repeat, [&] { torch::linear(x, w, b); });
      const double q = median_ms(repeat, [&] { layer(x); });
      const double gflop = 2.0 * M * K * N / 1e9;
      std::printf("%6lld %5lld %5lld | %9.3f %9.1f | %9.3f %9.1f | %6.2f\n", static_cast<long long>(M),
                  static_cast<long long>(K), static_cast<long long>(N), f, gflop / f * 1e3, q, gflop / q * 1e3, q / f);
    }
  }
  return 0;
}
