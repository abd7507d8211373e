#include "pipeline/transcript_builder.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <vector>

#include "common/error.h"
#include "decoding/log_softmax.h"
#include "output/npy_file.h"
#include "pipeline/word_aligner.h"

namespace w2v2 {

void TranscriptBuilder::build(const Utterance& utterance, const UtteranceLogits& logits, UtteranceResult& result) const {
  FailureStage stage = FailureStage::kDecode;
  bool scoring = false;
  try {
    W2V2_CHECK(logits.frames >= 0 && logits.vocab > 0 &&
                   logits.data.size() >= static_cast<size_t>(logits.frames * logits.vocab),
               "decode: logits (", logits.frames, ", ", logits.vocab, ") hold ", logits.data.size(), " values");
    const int frames = static_cast<int>(logits.frames), vocab = static_cast<int>(logits.vocab);
    std::vector<float> log_probs(logits.data.begin(), logits.data.begin() + static_cast<ptrdiff_t>(frames) * vocab);
    log_softmax_rows(log_probs.data(), frames, vocab);
    for (size_t i = 0; i < log_probs.size(); ++i) {  // a NaN (or an all -inf row) in the model's output
      W2V2_CHECK(!std::isnan(log_probs[i]), "the model's output is not a number at frame ",
                 i / static_cast<size_t>(vocab));
    }
    const std::vector<DecodedHypothesis> hypotheses = decoder_.decode(log_probs.data(), frames, vocab);
    W2V2_CHECK(!hypotheses.empty(), "decode: the decoder returned no hypothesis");
    const DecodedHypothesis& best = hypotheses.front();
    result.text = detokenizer_.detokenize(best.alignment.tokens);
    result.words = align_words(best.alignment, detokenizer_, options_.frame_seconds);
    result.alternatives.clear();
    if (options_.nbest > 1) {
      const size_t n = std::min(hypotheses.size(), static_cast<size_t>(options_.nbest));
      for (size_t k = 0; k < n; ++k) {
        const DecodedHypothesis& h = hypotheses[k];
        result.alternatives.push_back(TranscriptAlternative{
            k == 0 ? result.text : detokenizer_.detokenize(h.alignment.tokens), h.score, h.acoustic_score, h.lm_score});
      }
    }
    if (!options_.logits_dir.empty()) {
      stage = FailureStage::kOutput;
      namespace fs = std::filesystem;
      const fs::path path = (fs::path(options_.logits_dir) / utterance.output_stem).concat(".npy");
      std::error_code ec;
      fs::create_directories(path.parent_path(), ec);
      W2V2_CHECK_AS(OutputError, !ec, path.parent_path().string(), ": cannot create (", ec.message(), ")");
      write_npy(path.string(), logits.data.data(), {logits.frames, logits.vocab});
    }
    if (options_.scoring && utterance.reference) {
      scoring = true;
      const ScoringOptions& s = *options_.scoring;
      result.score = ErrorRateAccumulator::score(
          utterance.id, utterance.speaker.empty() ? speaker_of(utterance.id) : utterance.speaker,
          normalize_transcript(*utterance.reference, s.normalization), normalize_transcript(result.text, s.normalization),
          s.costs);
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
