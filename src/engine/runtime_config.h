#pragma once

#include <cstdint>
#include <string>

#include "engine/device.h"
#include "engine/precision.h"

namespace w2v2 {

struct RuntimeConfig {
  int threads = 0;  // intra-op threads for the model; 0 = one per core (Debian's torch defaults to 1)
  // Where the model runs: cpu, cuda (device 0), cuda:N, or auto (CUDA when this build has it and a GPU is
  // visible, else CPU; resolved by the engine, see BatchEngine::device()).
  Device device = Device::cpu();
  // fp32 or bf16 anywhere; int8 on the CPU only; tf32 and fp16 on CUDA only (see engine/precision.h).
  Precision precision = Precision::kFp32;
  // int8 only: bits of the quantized weights, 7 or 8; 0 = what the CPU multiplies exactly (8 with VNNI; 7
  // without, where the AVX2 kernel's 16-bit pair sums of u8 x s8 products saturate with 8-bit weights).
  int int8_weight_bits = 0;
  // int8 only: bits of the feed-forward layers' activations, 8 (one u8 pass) or 16 (a second u8 pass over
  // what the first left: twice those layers' integer work); 0 = for this CPU: 16 with VNNI, 8 without (the
  // AVX2 kernel is slow enough that 16 would cost int8 its speed). The other layers always read 8 bits.
  int int8_ff_activation_bits = 0;
  // Graph capture per (batch size, padded length) bucket. CPU: the forward is traced into a TorchScript
  // graph, optimized as a frozen graph and replayed. CUDA: a CUDA graph is captured with static input and
  // output buffers and replayed.
  // Lengths are padded up to a multiple of graph_bucket_samples so a bounded set of shapes is captured;
  // shapes beyond max_graphs run eagerly.
  // Off by default on both devices: on the CPU replays are slower; on a GPU they are 5-12 % faster once a
  // shape is captured, but each new shape costs ~80 ms of capture (three forwards), which a one-pass run over
  // varied lengths pays again and again (measured on an H200; README).
  bool graph = false;
  int64_t graph_bucket_samples = 16000;
  int max_graphs = 64;
  // Reuse freed activation memory across batches instead of page-faulting fresh mmap()s every pass
  // (see common/host_memory.h; 17 % faster forward passes on CPU here). Process-wide.
  bool keep_host_memory = true;

  void validate() const;
  std::string to_string() const;

  // Throws ConfigError when `precision` cannot run on `device` (int8 on a GPU, tf32 or fp16 on the CPU): the
  // rule validate() applies, for a device resolved later (auto) or precisions crossed by a benchmark.
  static void check_precision(Precision precision, const Device& device);
};

}  // namespace w2v2
