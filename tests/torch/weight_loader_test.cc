#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdint>
#include <filesystem>

#include "common/error.h"
#include "model/checkpoint_reader.h"
#include "checkpoint/state_dict_unpickler.h"
#include "checkpoint/safetensors_writer.h"
#include "checkpoint/model_directory.h"
#include "model/wav2vec2_weights.h"
#include "checkpoint/zip_directory.h"
#include "support/test_support.h"

namespace w2v2 {
namespace {

const char* kFolder = "models/tiny-group-st";

StateDict fixture_state() { return read_safetensors(test::fixture(std::string(kFolder) + "/model.safetensors")); }
Wav2Vec2Config fixture_config() { return Wav2Vec2Config::from_file(test::fixture(std::string(kFolder) + "/config.json")); }

std::string load_error(StateDict state) {
  try {
    Wav2Vec2Weights::from_state_dict(fixture_config(), std::move(state), "ckpt");
  } catch (const ModelLoadError& e) {
    return e.what();
  }
  return "";
}

TEST(WeightLoader, FixtureLoadsAndExtraKeysAreIgnored) {
  const StateDict state = fixture_state();
  ASSERT_TRUE(state.count("wav2vec2.masked_spec_embed"));
  const auto w = Wav2Vec2Weights::from_state_dict(fixture_config(), state, "ckpt");
  EXPECT_EQ(w.layers.size(), 2u);
  EXPECT_EQ(w.layers[0].qkv_weight.sizes(), (std::vector<int64_t>{96, 32}));
  // q, k, v are fused in that order.
  EXPECT_TRUE(torch::equal(w.layers[1].qkv_weight.narrow(0, 32, 32),
                           state.at("wav2vec2.encoder.layers.1.attention.k_proj.weight")));
}

TEST(WeightLoader, MissingTensorIsNamed) {
  StateDict state = fixture_state();
  state.erase("wav2vec2.encoder.layers.1.final_layer_norm.bias");
  EXPECT_NE(load_error(state).find("missing tensor 'wav2vec2.encoder.layers.1.final_layer_norm.bias'"),
            std::string::npos);
  state = fixture_state();
  state.erase("wav2vec2.feature_extractor.conv_layers.0.layer_norm.weight");  // the group norm
  EXPECT_NE(load_error(state).find("conv_layers.0.layer_norm.weight"), std::string::npos);
  state = fixture_state();
  state.erase("lm_head.weight");
  EXPECT_NE(load_error(state).find("lm_head.weight"), std::string::npos);
}

TEST(WeightLoader, WrongShapeIsNamed) {
  StateDict state = fixture_state();
  state["lm_head.weight"] = torch::zeros({31, 32});
  const std::string error = load_error(state);
  EXPECT_NE(error.find("'lm_head.weight' has shape [31, 32]"), std::string::npos) << error;
}

TEST(WeightLoader, LeftoverTensorsOfOwnedModulesMeanTheConfigDoesNotMatch) {
  StateDict state = fixture_state();
  state["wav2vec2.encoder.layers.2.final_layer_norm.bias"] = torch::zeros({32});
  EXPECT_NE(load_error(state).find("unexpected tensor 'wav2vec2.encoder.layers.2.final_layer_norm.bias'"),
            std::string::npos);
  state = fixture_state();
  state["quantizer.codevectors"] = torch::zeros({1, 4, 8});  // pre-training leftovers are fine
  EXPECT_EQ(load_error(state), "");
}

TEST(WeightLoader, WeightNormIsFoldedFromEitherNaming) {
  StateDict a = fixture_state();
  const auto g = a.at("wav2vec2.encoder.pos_conv_embed.conv.weight_g");
  const auto v = a.at("wav2vec2.encoder.pos_conv_embed.conv.weight_v");
  const auto expected = torch::_weight_norm(v, g, 2);
  const auto wa = Wav2Vec2Weights::from_state_dict(fixture_config(), a, "a");
  EXPECT_TRUE(torch::allclose(wa.pos_conv_weight, expected, 1e-6, 1e-6));

  StateDict b = fixture_state();
  b.erase("wav2vec2.encoder.pos_conv_embed.conv.weight_g");
  b.erase("wav2vec2.encoder.pos_conv_embed.conv.weight_v");
  b["wav2vec2.encoder.pos_conv_embed.conv.parametrizations.weight.original0"] = g;
  b["wav2vec2.encoder.pos_conv_embed.conv.parametrizations.weight.original1"] = v;
  const auto wb = Wav2Vec2Weights::from_state_dict(fixture_config(), b, "b");
  EXPECT_TRUE(torch::equal(wa.pos_conv_weight, wb.pos_conv_weight));
}

TEST(WeightLoader, HalfPrecisionSafetensorsAreWidened) {
  test::TempDir dir;
  StateDict state = fixture_state();
  const StateDict half = [&] {
    StateDict h;
    for (const auto& [k, t] : state) h[k] = t.to(torch::kFloat16);
    return h;
  }();
  // write_safetensors writes F32; write F16 through the core writer to get a real F16 file.
  SafetensorsWriter writer;
  for (const auto& [k, t] : half) writer.add(k, TensorDType::kF16, t.sizes().vec(), t.data_ptr(), t.numel() * 2);
  writer.write(dir.file("h.safetensors"));
  const StateDict back = read_safetensors(dir.file("h.safetensors"));
  for (const auto& [k, t] : state) {
    ASSERT_EQ(back.at(k).scalar_type(), torch::kFloat32);
    EXPECT_TRUE(torch::equal(back.at(k), t.to(torch::kFloat16).to(torch::kFloat32))) << k;
  }
}

TEST(WeightLoader, ParameterCountIsWhatACheckpointHolds) {
  for (const char* folder : {"models/tiny-group-st", "models/tiny-layer-st"}) {
    const auto config = Wav2Vec2Config::from_file(test::fixture(std::string(folder) + "/config.json"));
    int64_t total = 0;
    for (const auto& [name, tensor] : random_state_dict(config, 1)) total += tensor.numel();
    EXPECT_EQ(config.parameter_count(), total) << folder;
  }
  const std::string base = test::shared_data_dir() + "/hf-configs/wav2vec2-base-960h/config.json";
  if (!test::shared_data_dir().empty() && std::filesystem::exists(base)) {
    EXPECT_EQ(Wav2Vec2Config::from_file(base).parameter_count(), 94'395'552);
  }
}

TEST(WeightLoader, BadModelFoldersGiveOneClearMessage) {
  test::TempDir dir;
  EXPECT_THROW(ModelDirectory::open(dir.file("absent")), ModelLoadError);
  EXPECT_THROW(ModelDirectory::open(dir.path().string()), ModelLoadError);  // no config.json
  std::filesystem::copy(test::fixture(kFolder), dir.file("m"));
  std::filesystem::remove(dir.file("m/model.safetensors"));
  try {
    ModelDirectory::open(dir.file("m"));
    FAIL();
  } catch (const ModelLoadError& e) {
    EXPECT_NE(std::string(e.what()).find("no weights"), std::string::npos);
  }
  test::write_text(dir.file("m/pytorch_model.bin"), "not a zip archive");
  const ModelDirectory m = ModelDirectory::open(dir.file("m"));
  EXPECT_THROW(read_checkpoint(m), ModelLoadError);
}

}  // namespace
}  // namespace w2v2

namespace w2v2 {
namespace {

// What real pytorch_model.bin files look like: torch.save of model.state_dict() (an OrderedDict with a
// _metadata attribute), half-precision and strided tensors sharing one storage, storages saved on a GPU.
// LibTorch's own unpickler turns the OrderedDict into None; ours must read all of it, on the CPU.
TEST(PytorchBin, OrderedDictsHalfTensorsSharedStoragesAndGpuLocations) {
  if (test::run_command("/usr/bin/python3", {"-c", "import torch"}).exit_code != 0) {
    GTEST_SKIP() << "/usr/bin/python3 lacks torch (scripts/setup.sh installs python3-torch)";
  }
  test::TempDir dir;
  const std::string plain = test::fixture("models/tiny-group-bin/pytorch_model.bin");
  const std::string script = R"(
import sys, zipfile, torch
from collections import OrderedDict
plain, out = sys.argv[1], sys.argv[2]
sd = torch.load(plain)
od = OrderedDict(sd)
od._metadata = OrderedDict([('', {'version': 1}), ('lm_head', {'version': 1})])
base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
od['extra.transposed'] = base.t()              # a strided view
od['extra.row'] = base[2]                      # an offset into the same storage
od['extra.half'] = torch.linspace(-2, 2, 7).half()
torch.save(od, out + '/ordered.bin')
torch.save(od, out + '/p4.bin', pickle_protocol=4)  # STACK_GLOBAL, MEMOIZE, FRAME, SHORT_BINUNICODE
# The same archive as if saved from a GPU: every storage location 'cpu' -> 'cuda:0'.
with zipfile.ZipFile(out + '/ordered.bin') as src, zipfile.ZipFile(out + '/gpu.bin', 'w', zipfile.ZIP_STORED) as dst:
    for info in src.infolist():
        data = src.read(info.filename)
        if info.filename.endswith('data.pkl'):
            data = data.replace(b'X\x03\x00\x00\x00cpu', b'X\x06\x00\x00\x00cuda:0')
            assert b'cuda:0' in data
        dst.writestr(info, data)
)";
  const auto made = test::run_command("/usr/bin/python3", {"-c", script, plain, dir.path().string()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const StateDict expected = read_pytorch_bin(plain);
  for (const char* name : {"ordered.bin", "gpu.bin", "p4.bin"}) {
    const StateDict got = read_pytorch_bin(dir.file(name));
    ASSERT_EQ(got.size(), expected.size() + 3) << name;
    for (const auto& [key, tensor] : expected) {
      ASSERT_TRUE(got.count(key)) << key;
      EXPECT_TRUE(torch::equal(got.at(key), tensor)) << key;
    }
    const torch::Tensor base = torch::arange(24, torch::kFloat32).reshape({4, 6});
    EXPECT_TRUE(torch::equal(got.at("extra.transposed"), base.t())) << name;
    EXPECT_TRUE(torch::equal(got.at("extra.row"), base[2])) << name;
    EXPECT_TRUE(torch::allclose(got.at("extra.half"), torch::linspace(-2, 2, 7).to(torch::kHalf).to(torch::kFloat32)));
    EXPECT_TRUE(got.at("extra.transposed").device().is_cpu());
  }
}

TEST(PytorchBin, HostilePicklesAreErrorsNotCrashes) {
  auto read = [](const std::string& pickle) { return StateDictUnpickler("x.bin").read(pickle); };
  auto error_of = [&](const std::string& pickle) -> std::string {
    try {
      read(pickle);
    } catch (const ModelLoadError& e) {
      return e.what();
    }
    return "";
  };
  using namespace std::string_literals;
  EXPECT_TRUE(read("\x80\x02}q\x00."s).empty());  // an empty dict
  EXPECT_NE(error_of(""), "");
  EXPECT_NE(error_of("\x80\x02."s).find("stack underflow"), std::string::npos);
  EXPECT_NE(error_of("\x80\x02\xff"s).find("unsupported pickle opcode 0xff"), std::string::npos);
  EXPECT_NE(error_of("\x80\x02}X\x01\x00\x00\x00" "aK\x01s."s).find("'a' is not a tensor"), std::string::npos);
  EXPECT_NE(error_of("\x80\x02h\x05."s).find("unknown memo key"), std::string::npos);
  EXPECT_NE(error_of("\x80\x02X\xff\xff\xff\x7f" "abc"s).find("truncated"), std::string::npos);
  EXPECT_NE(error_of("\x80\x02\x8a\x09"s).find("too large"), std::string::npos);
  const std::string call = error_of("\x80\x02" "cos\nsystem\nX\x02\x00\x00\x00" "ls\x85R."s);
  EXPECT_NE(call.find("unsupported object in the pickle: os.system"), std::string::npos) << call;  // no callables
  EXPECT_NE(error_of("\x80\x02K\x01u."s).find("no mark"), std::string::npos);
}

// Issue #20: a 200 KB pickle nesting 200,000 tuples crashed in recursive destruction.
TEST(PytorchBin, NestingObjectCountsAndCyclesAreBounded) {
  auto error_of = [](const std::string& pickle, UnpicklerLimits limits = {}) -> std::string {
    try {
      StateDictUnpickler("x.bin", limits).read(pickle);
    } catch (const ModelLoadError& e) {
      return e.what();
    }
    return "";
  };
  using namespace std::string_literals;
  const std::string deep = "\x80\x02)"s + std::string(200000, '\x85') + ".";  // ((((),),),)...
  EXPECT_EQ(error_of(deep), "x.bin: the pickle nests containers deeper than 64 levels");
  std::string nested_lists = "\x80\x02";  // lists appended into lists, 100,000 deep
  for (int i = 0; i < 100000; ++i) nested_lists += "]";
  for (int i = 0; i < 99999; ++i) nested_lists += "a";
  EXPECT_NE(error_of(nested_lists + ".").find("deeper than 64 levels"), std::string::npos);
  // A list appended to itself (a cycle): refused by depth, and nothing leaks (the arena owns every object).
  std::string cycle = "\x80\x02]q\x00"s;
  for (int i = 0; i < 100; ++i) cycle += "h\x00"s + "a";
  EXPECT_NE(error_of(cycle + ".").find("deeper than 64 levels"), std::string::npos);
  // 64 levels are fine: the error is about the content, not the nesting.
  EXPECT_NE(error_of("\x80\x02}X\x01\x00\x00\x00" "a)"s + std::string(62, '\x85') + "s.").find("'a' is not a tensor"),
            std::string::npos);
  // Object counts: a million Nones.
  EXPECT_NE(error_of("\x80\x02" + std::string(1'000'001, 'N') + ".").find("more than 1000000 objects"),
            std::string::npos);
  UnpicklerLimits small;
  small.max_objects = 10;
  EXPECT_NE(error_of("\x80\x02]" + std::string(10, 'N') + "e.", small).find("more than 10 objects"),
            std::string::npos);
}

TEST(PytorchBin, TensorGeometryIsCheckedAgainstTheDeclaredStorage) {
  using namespace std::string_literals;
  auto i64 = [](int64_t v) {
    std::string s = "\x8a\x08"s;
    for (int k = 0; k < 8; ++k) s += static_cast<char>((static_cast<uint64_t>(v) >> (8 * k)) & 0xff);
    return s;
  };
  auto text = [](const std::string& t) {
    std::string s = "X"s;
    for (int k = 0; k < 4; ++k) s += static_cast<char>((t.size() >> (8 * k)) & 0xff);
    return s + t;
  };
  // {"w": _rebuild_tensor_v2(storage(numel), offset, (size,), (stride,), False, OrderedDict())}
  auto pickle = [&](int64_t numel, int64_t offset, int64_t size, int64_t stride) {
    return "\x80\x02}"s + text("w") + "ctorch._utils\n_rebuild_tensor_v2\n(" + "(" + text("storage") +
           "ctorch\nHalfStorage\n" + text("0") + text("cpu") + i64(numel) + "tQ" + i64(offset) + "(" + i64(size) +
           "t(" + i64(stride) + "t\x89" + "ccollections\nOrderedDict\n)RtRs.";
  };
  const auto ok = StateDictUnpickler("x.bin").read(pickle(10, 2, 4, 2));
  ASSERT_EQ(ok.size(), 1u);
  const PickledTensor& t = ok.at("w");
  EXPECT_EQ(t.storage_key, "0");
  EXPECT_EQ(t.storage_type, StorageType::kFloat16);
  EXPECT_EQ(t.storage_numel, 10);
  EXPECT_EQ(t.offset, 2);
  EXPECT_EQ(t.size, (std::vector<int64_t>{4}));
  EXPECT_EQ(t.stride, (std::vector<int64_t>{2}));
  auto error_of = [&](const std::string& p) -> std::string {
    try {
      StateDictUnpickler("x.bin").read(p);
    } catch (const ModelLoadError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(error_of(pickle(10, 4, 4, 2)).find("reaches past the end of its storage"), std::string::npos);
  EXPECT_NE(error_of(pickle(1, 0, int64_t{1} << 25, 0)).find("elements over a storage of 1"), std::string::npos);
  EXPECT_NE(error_of(pickle(10, 0, INT64_MAX, INT64_MAX)).find("malformed tensor geometry"), std::string::npos);
  EXPECT_NE(error_of(pickle(-1, 0, 1, 1)).find("invalid size"), std::string::npos);
}

TEST(PytorchBin, SelectionSkipsUnwantedTensorsAndBoundsTheirBytes) {
  const std::string bin = test::fixture("models/tiny-group-bin/pytorch_model.bin");
  const StateDict all = read_pytorch_bin(bin);
  CheckpointSelection lm_head;
  lm_head.wanted = [](const std::string& name) { return name.rfind("lm_head.", 0) == 0; };
  const StateDict some = read_pytorch_bin(bin, lm_head);
  ASSERT_EQ(some.size(), 2u);
  EXPECT_TRUE(torch::equal(some.at("lm_head.weight"), all.at("lm_head.weight")));
  CheckpointSelection tight;
  tight.max_bytes = 1024;
  try {
    read_pytorch_bin(bin, tight);
    FAIL() << "no error";
  } catch (const ModelLoadError& e) {
    EXPECT_NE(std::string(e.what()).find(bin + ": the tensors to read take more than 1024 bytes, the most this "
                                               "checkpoint may take"),
              std::string::npos)
        << e.what();
  }
  const std::string st = test::fixture(std::string(kFolder) + "/model.safetensors");
  EXPECT_EQ(read_safetensors(st, lm_head).size(), 2u);
  EXPECT_THROW(read_safetensors(st, tight), ModelLoadError);
  // A model folder reads only the model's own tensors: masked_spec_embed is skipped.
  ASSERT_TRUE(fixture_state().count("wav2vec2.masked_spec_embed"));
  const StateDict read = read_checkpoint(ModelDirectory::open(test::fixture(kFolder)));
  EXPECT_FALSE(read.count("wav2vec2.masked_spec_embed"));
  EXPECT_TRUE(read.count("lm_head.weight"));
}

TEST(PytorchBin, ZipSizesAreCheckedBeforeExtraction) {
  const std::string bin = test::read_text(test::fixture("models/tiny-group-bin/pytorch_model.bin"));
  const ZipDirectory zip = ZipDirectory::read(bin.data(), bin.size(), "x.bin");
  const std::string prefix = zip.entries().front().name.substr(0, zip.entries().front().name.find('/') + 1);
  const ZipEntry* pickle = zip.find(prefix + "data.pkl");
  ASSERT_NE(pickle, nullptr);
  EXPECT_EQ(zip.find(prefix + "DATA.PKL"), pickle);  // miniz compares names ignoring case
  EXPECT_EQ(pickle->method, 0);
  EXPECT_EQ(bin.substr(pickle->data_offset, 2), "\x80\x02");
  auto error_of = [](const std::string& bytes) -> std::string {
    try {
      ZipDirectory::read(bytes.data(), bytes.size(), "x.bin");
    } catch (const ModelLoadError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(error_of(bin.substr(0, bin.size() / 2)), "");
  EXPECT_NE(error_of("PK"), "");
  // The central directory entry of data.pkl, turned into a deflated member claiming 4 GB.
  const size_t central = bin.find("PK\x01\x02");
  ASSERT_NE(central, std::string::npos);
  std::string bomb = bin;
  bomb[central + 10] = 8;
  for (int k = 0; k < 4; ++k) bomb[central + 24 + k] = '\xfe';
  EXPECT_NE(error_of(bomb).find("more than deflate can expand"), std::string::npos) << error_of(bomb);
  std::string stored = bin;  // a stored member whose sizes disagree
  stored[central + 24] = static_cast<char>(stored[central + 24] + 1);
  EXPECT_NE(error_of(stored).find("stored sizes disagree"), std::string::npos) << error_of(stored);
  std::string past = bin;  // a member said to start past the end of the file
  for (int k = 0; k < 4; ++k) past[central + 42 + k] = '\x7f';
  EXPECT_NE(error_of(past).find("past the end"), std::string::npos) << error_of(past);
}

TEST(PytorchBin, MalformedArchivesAreNamedErrors) {
  test::TempDir dir;
  test::write_text(dir.file("legacy.bin"), std::string("\x80\x02\x8a\x0a", 4) + "not a zip");
  try {
    read_pytorch_bin(dir.file("legacy.bin"));
    FAIL() << "no error";
  } catch (const ModelLoadError& e) {
    EXPECT_NE(std::string(e.what()).find("legacy.bin: not a torch.save zip archive"), std::string::npos) << e.what();
  }
  test::write_text(dir.file("truncated.bin"), "PK\x03\x04 and then nothing");
  EXPECT_THROW(read_pytorch_bin(dir.file("truncated.bin")), ModelLoadError);
}

}  // namespace
}  // namespace w2v2
