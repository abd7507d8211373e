#include "decoding/transcript_builder.h"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "common/error.h"
#include "decoding/log_softmax.h"
#include "decoding/word_aligner.h"
#include "output/npy_file.h"

namespace w2v2 {

void TranscriptBuilder::build(const Utterance& utterance, const UtteranceLogits& logits, UtteranceResult& result) const {
  FailureStage stage = FailureStage::kDecode;
  bool scoring = false;
  try {
    const int frames = static_cast<int>(logits.frames), vocab = static_cast<int>(logits.vocab);
    std::vector<float> log_probs(logits.data.begin(), logits.data.begin() + static_cast<ptrdiff_t>(logits.frames * logits.vocab));
    log_softmax_rows(log_probs.data(), frames, vocab);
    const CtcHypothesis hypothesis = decoder_.best_path(log_probs.data(), frames, vocab);
    result.text = detokenizer_.detokenize(hypothesis.tokens);
    result.words = align_words(hypothesis, detokenizer_, frame_seconds_);
    if (!logits_dir_.empty()) {
      stage = FailureStage::kOutput;
      namespace fs = std::filesystem;
      const fs::path path = (fs::path(logits_dir_) / utterance.output_stem).concat(".npy");
      std::error_code ec;
      fs::create_directories(path.parent_path(), ec);
      W2V2_CHECK_AS(OutputError, !ec, path.parent_path().string(), ": cannot create (", ec.message(), ")");
      write_npy(path.string(), logits.data.data(), {logits.frames, logits.vocab});
    }
    if (scoring_ && utterance.reference) {
      scoring = true;
      result.score = ErrorRateAccumulator::score(
          utterance.id, utterance.speaker.empty() ? speaker_of(utterance.id) : utterance.speaker,
          normalize_transcript(*utterance.reference, scoring_->normalization),
          normalize_transcript(result.text, scoring_->normalization), scoring_->costs);
    }
  } catch (const std::exception& e) {
    if (scoring) {  // the transcript stands; the scorer retries after the run
      result.score.reset();
      spdlog::warn("{}: scoring in the decode pool failed: {}", utterance.path, e.what());
      return;
    }
    mark_failed(result, stage, e.what());
  }
}

}  // namespace w2v2
