// Device: the one parse of --device and its text form.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "engine/device.h"
#include "engine/runtime_config.h"

namespace w2v2 {
namespace {

TEST(Device, ParsesEveryValidForm) {
  EXPECT_EQ(Device::parse("cpu"), (Device{Device::Kind::kCpu, -1}));
  EXPECT_EQ(Device::parse("auto"), (Device{Device::Kind::kAuto, -1}));
  EXPECT_EQ(Device::parse("cuda"), (Device{Device::Kind::kCuda, -1}));
  EXPECT_EQ(Device::parse("cuda:0"), (Device{Device::Kind::kCuda, 0}));
  EXPECT_EQ(Device::parse("cuda:12"), (Device{Device::Kind::kCuda, 12}));
  EXPECT_EQ(Device::parse("cuda:999"), (Device{Device::Kind::kCuda, 999}));
  EXPECT_EQ(Device::parse("cuda:007"), (Device{Device::Kind::kCuda, 7}));
}

TEST(Device, RefusesEverythingElseNamingTheChoices) {
  for (const char* bad : {"", "gpu", "CPU", "CUDA", "cuda:", "cuda:x", "cuda:-1", "cuda:+1", "cuda:1234", "cpu:0",
                          "auto:0", " cpu", "cpu ", "cuda:1 ", "cuda0", "mps"}) {
    try {
      Device::parse(bad);
      ADD_FAILURE() << "'" << bad << "' was accepted";
    } catch (const ConfigError& e) {
      EXPECT_EQ(std::string(e.what()), "device must be cpu, cuda, cuda:N or auto; got '" + std::string(bad) + "'");
    }
  }
}

TEST(Device, ToStringReadsBack) {
  EXPECT_EQ(Device::cpu().to_string(), "cpu");
  EXPECT_EQ(Device::automatic().to_string(), "auto");
  EXPECT_EQ(Device::cuda().to_string(), "cuda");
  EXPECT_EQ(Device::cuda(3).to_string(), "cuda:3");
  for (const char* text : {"cpu", "auto", "cuda", "cuda:0", "cuda:42"}) {
    EXPECT_EQ(Device::parse(text).to_string(), text);
    EXPECT_EQ(Device::parse(Device::parse(text).to_string()), Device::parse(text));
  }
}

TEST(Device, OnlyCudaIsAGpu) {
  EXPECT_FALSE(Device::cpu().is_gpu());
  EXPECT_FALSE(Device::automatic().is_gpu()) << "auto is a request; the engine's resolved device answers";
  EXPECT_TRUE(Device::cuda().is_gpu());
  EXPECT_TRUE(Device::cuda(1).is_gpu());
  EXPECT_EQ(Device::cuda().ordinal(), 0);
  EXPECT_EQ(Device::cuda(5).ordinal(), 5);
}

TEST(Device, ValidateRefusesFieldsParseNeverGives) {
  EXPECT_NO_THROW(Device::cpu().validate());
  EXPECT_NO_THROW(Device::cuda(999).validate());
  EXPECT_THROW((Device{Device::Kind::kCpu, 0}).validate(), ConfigError);
  EXPECT_THROW((Device{Device::Kind::kAuto, 2}).validate(), ConfigError);
  EXPECT_THROW(Device::cuda(1000).validate(), ConfigError);
  EXPECT_THROW(Device::cuda(-2).validate(), ConfigError);
  RuntimeConfig runtime;
  EXPECT_EQ(runtime.device, Device::cpu()) << "the default device";
  runtime.device = Device::cuda(-5);
  EXPECT_THROW(runtime.validate(), ConfigError);
}

TEST(Device, RuntimeConfigToStringNamesTheDeviceAsGiven) {
  RuntimeConfig runtime;
  runtime.device = Device::parse("cuda");
  EXPECT_EQ(runtime.to_string(), "RuntimeConfig(device=cuda, precision=fp32, threads=auto, graph=off, keep_host_memory=on)");
  runtime.device = Device::parse("cuda:1");
  runtime.threads = 2;
  EXPECT_EQ(runtime.to_string(),
            "RuntimeConfig(device=cuda:1, precision=fp32, threads=2, graph=off, keep_host_memory=on)");
  runtime.device = Device::cpu();
  runtime.precision = Precision::kInt8;
  EXPECT_EQ(runtime.to_string(),
            "RuntimeConfig(device=cpu, precision=int8, int8_weight_bits=auto, int8_ff_activation_bits=auto, threads=2, "
            "graph=off, keep_host_memory=on)");
  runtime.int8_weight_bits = 7;
  EXPECT_NE(runtime.to_string().find("int8_weight_bits=7"), std::string::npos);
}

TEST(Precision, ParsedOnceFromItsTextAndReadBack) {
  for (Precision p : {Precision::kFp32, Precision::kTf32, Precision::kBf16, Precision::kFp16, Precision::kInt8}) {
    EXPECT_EQ(parse_precision(to_string(p)), p) << to_string(p);
  }
  EXPECT_EQ(parse_precision("fp32"), Precision::kFp32);
  EXPECT_EQ(parse_precision("bf16"), Precision::kBf16);
  EXPECT_EQ(to_string(Precision::kInt8), "int8");
  EXPECT_EQ(precision_choices(), "fp32, tf32, bf16, fp16 or int8");
  EXPECT_TRUE(is_half(Precision::kBf16));
  EXPECT_TRUE(is_half(Precision::kFp16));
  EXPECT_FALSE(is_half(Precision::kTf32));
  EXPECT_FALSE(is_half(Precision::kInt8));
  for (const char* bad : {"", "FP32", "int4", "fp16 ", "half", "float16"}) {
    EXPECT_THROW(parse_precision(bad), ConfigError) << bad;
  }
}

// Which precision runs where: fp32 and bf16 anywhere; int8 on the CPU only; tf32 and fp16 on CUDA only. `auto`
// is checked again once the engine has resolved it.
TEST(Precision, EachRunsWhereItCan) {
  const std::vector<std::pair<Precision, std::vector<bool>>> allowed{
      // on:                cpu    cuda   auto
      {Precision::kFp32, {true, true, true}},
      {Precision::kBf16, {true, true, true}},
      {Precision::kInt8, {true, false, true}},
      {Precision::kTf32, {false, true, true}},
      {Precision::kFp16, {false, true, true}},
  };
  const std::vector<Device> devices{Device::cpu(), Device::cuda(0), Device::parse("auto")};
  for (const auto& [precision, ok] : allowed) {
    for (size_t d = 0; d < devices.size(); ++d) {
      RuntimeConfig runtime;
      runtime.precision = precision;
      runtime.device = devices[d];
      if (ok[d]) {
        EXPECT_NO_THROW(runtime.validate()) << to_string(precision) << " on " << devices[d].to_string();
        continue;
      }
      try {
        runtime.validate();
        ADD_FAILURE() << to_string(precision) << " was accepted on " << devices[d].to_string();
      } catch (const ConfigError& e) {
        const std::string expected = "--precision " + to_string(precision) + " runs on " +
                                     (devices[d].is_gpu() ? "the CPU only" : "CUDA only");
        EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
      }
    }
  }
}

}  // namespace
}  // namespace w2v2
