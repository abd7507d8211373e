#pragma once

#include <cstdint>
#include <string>

namespace w2v2 {

// Writes a Hugging Face model folder with random weights for the architecture in
// `config_dir`/config.json (e.g. ../shared/data/hf-configs/wav2vec2-base-960h): config.json,
// vocab.json and preprocessor_config.json copied, model.safetensors random (deterministic in seed).
// For benchmarks and loader tests of real-size models; the transcripts are meaningless.
void write_random_model_folder(const std::string& config_dir, const std::string& out_dir, uint64_t seed);

}  // namespace w2v2
