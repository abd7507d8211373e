#include "pipeline/reader_stage.h"

#include <memory>

#include "audio/audio_source.h"
#include "features/waveform_normalizer.h"

namespace w2v2 {

ReaderStage::ReaderStage(ReadOptions read, ChunkingConfig chunking, TraceRecorder& trace)
    : read_(std::move(read)), chunking_(std::move(chunking)), trace_(trace) {}

bool ReaderStage::read(const Utterance& input, size_t index, const Sink<ReadMessage>& emit) {
  const auto t0 = PipelineClock::now();
  AudioPiece file;
  file.index = index;
  file.read_start = t0;
  file.result.index = index;
  file.result.id = input.id;
  file.result.path = input.path;
  file.result.output_stem = input.output_stem;
  std::vector<AudioChunk> chunks;
  std::unique_ptr<AudioSource> source;  // kept open only for a file read in chunks
  try {
    const int rate = read_.audio.target_sample_rate_hz;
    source = input.samples ? std::make_unique<AudioSource>(input.path, *input.samples, input.sample_rate_hz, read_.audio)
                           : std::make_unique<AudioSource>(input.path, read_.audio, chunking_.chunk_seconds);
    file.result.duration_seconds = static_cast<double>(source->frames()) / rate;
    file.result.container = source->format().container;
    file.result.codec = source->format().codec;
    chunks = plan_chunks(source->frames(), chunking_, rate);
    if (chunks.size() <= 1) {
      file.samples = source->take_all();
      source.reset();
      if (read_.normalize) normalize_waveform(file.samples);
    }
  } catch (const std::exception& e) {
    mark_failed(file.result, FailureStage::kRead, e.what());
  }
  const auto t1 = PipelineClock::now();
  busy_.add(t0, t1);
  trace_.span("read", t0, t1, input.id);
  if (file.result.status != UtteranceStatus::kOk) return emit(FailedPiece{std::move(file)});
  if (chunks.size() <= 1) return emit(std::move(file));
  return emit_chunks(*source, chunks, file, emit);
}

bool ReaderStage::emit_chunks(AudioSource& source, const std::vector<AudioChunk>& chunks, const AudioPiece& file,
                              const Sink<ReadMessage>& emit) {
  bool failed = false;
  std::string error;  // of the first chunk that failed
  for (size_t k = 0; k < chunks.size(); ++k) {
    AudioPiece piece;
    piece.index = file.index;
    piece.read_start = file.read_start;
    piece.result = file.result;
    piece.chunk_index = k;
    piece.chunk_count = chunks.size();
    piece.chunk = chunks[k];
    if (failed) {  // the rest of the file fails with the same error (logged once)
      piece.result.status = UtteranceStatus::kFailed;
      piece.result.error_stage = FailureStage::kRead;
      piece.result.error = error;
      if (!emit(FailedPiece{std::move(piece)})) return false;
      continue;
    }
    const auto r0 = PipelineClock::now();
    try {
      piece.samples = source.read(chunks[k].start, chunks[k].length);
      if (read_.normalize) normalize_waveform(piece.samples);
    } catch (const std::exception& e) {
      failed = true;
      piece.samples.clear();
      mark_failed(piece.result, FailureStage::kRead, e.what());
      error = piece.result.error;
    }
    busy_.add(r0, PipelineClock::now());
    const bool sent = failed ? emit(FailedPiece{std::move(piece)}) : emit(std::move(piece));
    if (!sent) return false;
  }
  return true;
}

std::vector<float> ReaderStage::load_whole(const std::string& path) const {
  std::vector<float> samples = AudioSource(path, read_.audio, chunking_.chunk_seconds).take_all();
  if (read_.normalize) normalize_waveform(samples);
  return samples;
}

}  // namespace w2v2
