#include "decoding/transcript_builder.h"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "common/error.h"
#include "decoding/word_aligner.h"
#include "output/npy_file.h"

namespace w2v2 {

void TranscriptBuilder::build(const Utterance& utterance, const UtteranceLogits& logits, UtteranceResult& result) const {
  std::string stage = "decode";
  try {
    const CtcHypothesis hypothesis =
        decoder_.decode(logits.data.data(), static_cast<int>(logits.frames), static_cast<int>(logits.vocab));
    result.text = detokenizer_.detokenize(hypothesis.tokens);
    result.words = align_words(hypothesis, detokenizer_, frame_seconds_);
    if (!logits_dir_.empty()) {
      stage = "output";
      namespace fs = std::filesystem;
      const fs::path path = (fs::path(logits_dir_) / utterance.output_stem).concat(".npy");
      std::error_code ec;
      fs::create_directories(path.parent_path(), ec);
      W2V2_CHECK_AS(OutputError, !ec, path.parent_path().string(), ": cannot create (", ec.message(), ")");
      write_npy(path.string(), logits.data.data(), {logits.frames, logits.vocab});
    }
    if (scoring_ && utterance.reference) {
      stage = "score";
      result.score = ErrorRateAccumulator::score(
          utterance.id, utterance.speaker.empty() ? speaker_of(utterance.id) : utterance.speaker,
          normalize_transcript(*utterance.reference, scoring_->normalization),
          normalize_transcript(result.text, scoring_->normalization), scoring_->costs);
    }
  } catch (const std::exception& e) {
    if (stage == "score") {  // the transcript stands; the scorer retries after the run
      result.score.reset();
      spdlog::warn("{}: scoring in the decode pool failed: {}", utterance.path, e.what());
      return;
    }
    result.status = UtteranceStatus::kFailed;
    result.error_stage = stage;
    result.error = e.what();
    result.text.clear();
    result.words.clear();
    spdlog::warn("{}: failed at {}: {}", utterance.path, stage, error_summary(e.what()));
  }
}

}  // namespace w2v2
