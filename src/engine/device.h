#pragma once

#include <string>

namespace w2v2 {

// Where the model runs. Parsed once from its text form; the engine resolves kAuto (and a CUDA device
// without an index) to the device it actually uses, which BatchEngine::device() reports.
struct Device {
  enum class Kind { kAuto, kCpu, kCuda };

  Kind kind = Kind::kCpu;
  int index = -1;  // CUDA ordinal 0..999; -1 = not given (kCpu, kAuto, or "cuda": the engine picks 0)

  static Device cpu() { return Device{Kind::kCpu, -1}; }
  static Device cuda(int index = -1) { return Device{Kind::kCuda, index}; }
  static Device automatic() { return Device{Kind::kAuto, -1}; }

  // "cpu", "cuda", "cuda:N" (N: 1 to 3 digits) or "auto"; anything else throws ConfigError listing these.
  static Device parse(const std::string& text);
  // The text parse() reads back: "cpu", "cuda", "cuda:N" or "auto".
  std::string to_string() const;
  // Throws ConfigError when the fields could not come from parse() (an index on cpu/auto, or out of range).
  void validate() const;

  bool is_gpu() const { return kind == Kind::kCuda; }
  // The CUDA ordinal to use: `index`, or 0 when none was given.
  int ordinal() const { return index < 0 ? 0 : index; }

  bool operator==(const Device& other) const { return kind == other.kind && index == other.index; }
  bool operator!=(const Device& other) const { return !(*this == other); }
};

}  // namespace w2v2
