#pragma once

#include <string>
#include <vector>

#include "datasets/utterance.h"

namespace w2v2 {

// Lists the utterances of the given inputs, in order: a *.json/*.jsonl file is a NeMo manifest, a folder
// with wav.scp a Kaldi data folder, a folder with *.trans.txt files the LibriSpeech layout, anything else
// audio files and folders. Indices run over the whole list.
std::vector<Utterance> make_dataset(const std::vector<std::string>& inputs);

}  // namespace w2v2
