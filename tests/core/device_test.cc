// Device: the one parse of --device and its text form.
#include <gtest/gtest.h>

#include <string>

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
            "RuntimeConfig(device=cpu, precision=int8, int8_weight_bits=auto, threads=2, graph=off, keep_host_memory=on)");
  runtime.int8_weight_bits = 7;
  EXPECT_NE(runtime.to_string().find("int8_weight_bits=7"), std::string::npos);
}

TEST(Precision, ParsedOnceFromItsTextAndReadBack) {
  EXPECT_EQ(parse_precision("fp32"), Precision::kFp32);
  EXPECT_EQ(parse_precision("int8"), Precision::kInt8);
  EXPECT_EQ(to_string(Precision::kInt8), "int8");
  for (const char* bad : {"", "FP32", "int4", "fp16 "}) EXPECT_THROW(parse_precision(bad), ConfigError) << bad;
  RuntimeConfig runtime;
  runtime.precision = Precision::kInt8;
  runtime.device = Device::cuda(0);
  EXPECT_THROW(runtime.validate(), ConfigError);  // a usage error, with a clear message (tests/torch/int8_linear_test.cc)
}

}  // namespace
}  // namespace w2v2
