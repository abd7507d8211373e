#pragma once

#include <vector>

namespace w2v2 {

// Zero-mean, unit-variance normalization of one utterance, as the Hugging Face
// Wav2Vec2FeatureExtractor does it: (x - mean) / sqrt(var + 1e-7) with the population variance.
// Statistics are accumulated in double. An empty input stays empty.
void normalize_waveform(std::vector<float>& samples);

}  // namespace w2v2
