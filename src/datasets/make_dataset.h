#pragma once

#include <string>
#include <vector>

#include "datasets/utterance.h"

namespace w2v2 {

// Lists the utterances of the given inputs, in order: a *.json/*.jsonl file is a NeMo manifest, a folder
// with wav.scp a Kaldi data folder, a folder with *.trans.txt files the LibriSpeech layout, anything else
// audio files and folders. Indices run over the whole list.
// Output stems are made unique (see below), so per-input output files never overwrite each other.
std::vector<Utterance> make_dataset(const std::vector<std::string>& inputs);

// Where two inputs would write the same per-input files (a.wav and a.flac -> "a"), both keep their
// extension in the stem ("a.wav", "a.flac"); a stem still taken gets "~2", "~3", ... in input order.
void make_output_stems_unique(std::vector<Utterance>& utterances);

}  // namespace w2v2
