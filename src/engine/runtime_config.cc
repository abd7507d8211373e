#include "engine/runtime_config.h"

#include "common/error.h"

namespace w2v2 {

void RuntimeConfig::validate() const {
  device.validate();
  W2V2_CHECK_AS(ConfigError, threads >= 0 && threads <= 1024, "threads must be in 0..1024 (0 = one per core)");
  W2V2_CHECK_AS(ConfigError, int8_weight_bits == 0 || int8_weight_bits == 7 || int8_weight_bits == 8,
                "int8 weight bits must be 7, 8 or 0 (= for this CPU); got ", int8_weight_bits);
  W2V2_CHECK_AS(ConfigError,
                int8_ff_activation_bits == 0 || int8_ff_activation_bits == 8 || int8_ff_activation_bits == 16,
                "int8 feed-forward activation bits must be 8, 16 or 0 (= for this CPU); got ", int8_ff_activation_bits);
  check_precision(precision, device);
  W2V2_CHECK_AS(ConfigError, graph_bucket_samples > 0, "graph bucket samples must be positive");
  W2V2_CHECK_AS(ConfigError, max_graphs >= 0, "max graphs must not be negative");
}

void RuntimeConfig::check_precision(Precision precision, const Device& device) {
  W2V2_CHECK_AS(ConfigError, !(precision == Precision::kInt8 && device.is_gpu()),
                "--precision int8 runs on the CPU only (oneDNN); on ", device.to_string(),
                " use fp32, tf32, bf16 or fp16, or --device cpu");
  W2V2_CHECK_AS(ConfigError, !((precision == Precision::kTf32 || precision == Precision::kFp16) &&
                  device.kind == Device::Kind::kCpu),
                "--precision ", w2v2::to_string(precision),
                " runs on CUDA only; on the CPU use fp32, int8 or bf16, or --device cuda");
}

std::string RuntimeConfig::to_string() const {
  return "RuntimeConfig(device=" + device.to_string() + ", precision=" + w2v2::to_string(precision) +
         (precision == Precision::kInt8
              ? ", int8_weight_bits=" + (int8_weight_bits == 0 ? std::string("auto") : std::to_string(int8_weight_bits)) +
                    ", int8_ff_activation_bits=" +
                    (int8_ff_activation_bits == 0 ? std::string("auto") : std::to_string(int8_ff_activation_bits))
              : std::string()) +
         ", threads=" + (threads == 0 ? std::string("auto") : std::to_string(threads)) +
         ", graph=" + (graph ? "on" : "off") +
         ", keep_host_memory=" + (keep_host_memory ? "on" : "off") + ")";
}

}  // namespace w2v2
