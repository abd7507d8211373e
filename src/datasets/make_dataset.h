#pragma once

#include <string>
#include <vector>

#include "datasets/utterance.h"

namespace w2v2 {

// Lists the utterances of the given inputs, in order: a *.json/*.jsonl file is a NeMo manifest, a folder
// with wav.scp a Kaldi data folder, a folder with *.trans.txt files the LibriSpeech layout (audio files
// below it that no transcript lists follow as plain inputs, with a warning), anything else audio files and
// folders. Indices run over the whole list.
// Output stems are made unique (see below), so per-input output files never overwrite each other.
std::vector<Utterance> make_dataset(const std::vector<std::string>& inputs);

// Plain audio files from different folders can share an id (d1/x.wav and d2/x.wav are both "x.wav"): such
// ids become the paths as listed, so transcripts and shard merges tell them apart. Ids with references are
// left alone (they match their texts); the same file given twice keeps one id.
void make_ids_unique(std::vector<Utterance>& utterances);

// Stems are first kept inside the output folder: an absolute stem or one that climbs out with ".." keeps
// only its last component ("../../x" -> "x").
// Where two inputs would write the same per-input files (a.wav and a.flac -> "a"), both keep their
// extension in the stem ("a.wav", "a.flac"); a stem still taken gets "~2", "~3", ... in input order.
void make_output_stems_unique(std::vector<Utterance>& utterances);

// For scoring: throws DatasetError naming the id and both paths when two utterances with references share an
// id (a corpus folder given twice, or a folder and one of its subfolders), which would count them twice.
void require_unique_reference_ids(const std::vector<Utterance>& utterances);

}  // namespace w2v2
