// w2v2_decode_bench: decodes saved logits (`w2v2 transcribe --logits-dir`) with one decode thread and reports
// decode speed (audio seconds per second, 50 frames per audio second) and WER against LibriSpeech-layout
// references, for a grid of LM weights. `--concat N` joins every utterance, N times over, into one long input
// (as a multi-hour recording is decoded), and `--check-full-align` also times the unbanded forced alignment of
// each best transcript and checks that it gives the same word timings. A benchmark and tuning tool, not part
// of the product's CLI.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>

#include "common/error.h"
#include "datasets/librispeech_dataset_reader.h"
#include "decoding/ctc_forced_aligner.h"
#include "decoding/ctc_prefix_beam_search.h"
#include "decoding/log_softmax.h"
#include "decoding/make_ctc_decoder.h"
#include "metrics/error_rate.h"
#include "output/npy_file.h"
#include "text/make_detokenizer.h"
#include "text/transcript_normalizer.h"

namespace fs = std::filesystem;
using namespace w2v2;

namespace {

struct SavedLogits {
  std::string id;
  std::vector<float> log_probs;  // (frames, vocab)
  int frames = 0;
  int vocab = 0;
  std::string reference;
};

// id -> reference text of a LibriSpeech-layout corpus (the project's own reader).
std::map<std::string, std::string> read_references(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const Utterance& u : read_librispeech(dir)) {
    if (u.reference) out[u.id] = *u.reference;
  }
  return out;
}

std::vector<double> parse_list(const std::string& text) {
  std::vector<double> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) out.push_back(std::stod(item));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Decode saved logits; report decode speed and WER"};
  std::string logits_dir, model_dir, references, lm = "none", lexicon, hotwords, alphas = "0.5", betas = "1.0";
  const BeamSearchConfig defaults;  // the search settings default as in `w2v2 transcribe`
  int beam = defaults.beam_size, blank = 0, repeat = 1, nbest = 1, concat = 0;
  double threshold = defaults.beam_threshold, min_log_prob = defaults.token_min_log_prob, unk = -10.0;
  bool greedy = false, no_lookahead = false, no_boundary = false, show = false, check_full_align = false;
  app.add_option("--logits", logits_dir, "folder of .npy logits (frames, vocab)")->required();
  app.add_option("--model", model_dir, "model folder (vocab.json)")->required();
  app.add_option("--references", references, "LibriSpeech-layout folder with *.trans.txt")->required();
  app.add_option("--lm", lm, "ARPA / .w2lm, or none");
  app.add_option("--alpha", alphas, "LM weights, comma-separated");
  app.add_option("--beta", betas, "word scores, comma-separated");
  app.add_option("--beam", beam)->capture_default_str();
  app.add_option("--beam-threshold", threshold)->capture_default_str();
  app.add_option("--token-min-log-prob", min_log_prob)->capture_default_str();
  app.add_option("--unk-score-offset", unk);
  app.add_option("--lexicon", lexicon);
  app.add_option("--hotwords", hotwords);
  app.add_option("--blank", blank);
  app.add_option("--repeat", repeat, "decode everything this many times (timing)");
  app.add_flag("--greedy", greedy);
  app.add_option("--concat", concat, "decode one input: every utterance joined, this many times over");
  app.add_flag("--check-full-align", check_full_align, "time the unbanded alignment too; check it agrees");
  app.add_flag("--show", show, "print each transcript beside its reference");
  app.add_flag("--no-lookahead", no_lookahead);
  app.add_flag("--no-boundary", no_boundary);
  CLI11_PARSE(app, argc, argv);
  try {
    const auto refs = read_references(references);
    std::vector<SavedLogits> utterances;
    double audio_seconds = 0.0;
    for (const auto& entry : fs::recursive_directory_iterator(logits_dir)) {
      if (entry.path().extension() != ".npy") continue;
      const std::string id = entry.path().stem().string();
      const auto ref = refs.find(id);
      W2V2_CHECK(ref != refs.end(), "no reference for ", id);
      NpyArray array = read_npy(entry.path().string());
      W2V2_CHECK(array.shape.size() == 2, entry.path().string(), ": not (frames, vocab)");
      SavedLogits u{id, std::move(array.data), static_cast<int>(array.shape[0]), static_cast<int>(array.shape[1]),
                  ref->second};
      log_softmax_rows(u.log_probs.data(), u.frames, u.vocab);
      audio_seconds += u.frames * 0.02;
      utterances.push_back(std::move(u));
    }
    W2V2_CHECK(!utterances.empty(), logits_dir, ": no .npy files");
    if (concat > 0) {
      std::sort(utterances.begin(), utterances.end(),
                [](const SavedLogits& a, const SavedLogits& b) { return a.id < b.id; });
      SavedLogits joined{"concat", {}, 0, utterances[0].vocab, ""};
      for (int r = 0; r < concat; ++r) {
        for (const SavedLogits& u : utterances) {
          W2V2_CHECK(u.vocab == joined.vocab, u.id, ": vocab ", u.vocab, " != ", joined.vocab);
          joined.log_probs.insert(joined.log_probs.end(), u.log_probs.begin(), u.log_probs.end());
          joined.frames += u.frames;
          joined.reference += (joined.reference.empty() ? "" : " ") + u.reference;
        }
      }
      audio_seconds *= concat;
      utterances.assign(1, std::move(joined));
    }
    const auto detokenizer = make_detokenizer(
        TokenizerFiles{TokenizerKind::kVocabJson, (fs::path(model_dir) / "vocab.json").string(), ""},
        utterances[0].vocab, blank);
    std::printf("%-6s %-6s %8s %8s %10s %10s\n", "alpha", "beta", "WER%", "CER%", "decode_s", "xRT");
    for (const double alpha : parse_list(alphas)) {
      for (const double beta : parse_list(betas)) {
        DecodingConfig config;
        config.decoder = greedy ? DecoderKind::kGreedy : DecoderKind::kBeam;
        config.beam.beam_size = beam;
        config.beam.beam_threshold = threshold;
        config.beam.token_min_log_prob = static_cast<float>(min_log_prob);
        config.beam.nbest = nbest;
        config.lm = lm == "none" ? "" : lm;
        config.lm_weight = alpha;
        config.word_score = beta;
        config.unk_score_offset = unk;
        config.score_boundary = !no_boundary;
        config.lm_lookahead = !no_lookahead;
        config.lexicon = lexicon;
        config.hotwords = hotwords;
        const auto decoder = make_ctc_decoder(config, *detokenizer, blank);
        ErrorRateAccumulator wer;
        double seconds = 0.0, full_align_seconds = 0.0;
        int align_mismatches = 0;
        for (int r = 0; r < repeat; ++r) {
          for (const SavedLogits& u : utterances) {
            const auto start = std::chrono::steady_clock::now();
            const auto hyps = decoder->decode(u.log_probs.data(), u.frames, u.vocab);
            seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            if (check_full_align && r == 0) {
              const CtcHypothesis& got = hyps.at(0).alignment;
              const auto full_start = std::chrono::steady_clock::now();
              const CtcHypothesis full = ctc_force_align(u.log_probs.data(), u.frames, u.vocab, blank, got.tokens);
              full_align_seconds +=
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - full_start).count();
              if (full.frames != got.frames || full.end_frames != got.end_frames) {
                ++align_mismatches;
              }
            }
            if (r == 0) {
              const std::string text = detokenizer->detokenize(hyps.at(0).alignment.tokens);
              if (show) std::printf("%s\n  REF %s\n  HYP %s\n", u.id.c_str(), u.reference.c_str(), text.c_str());
              wer.add(u.id, "", normalize_transcript(u.reference, TextNormalization::kLibriSpeech),
                      normalize_transcript(text, TextNormalization::kLibriSpeech));
            }
          }
        }
        std::printf("%-6.2f %-6.2f %8.2f %8.2f %10.3f %10.1f\n", alpha, beta, 100 * wer.words().rate(),
                    100 * wer.characters().rate(), seconds / repeat, audio_seconds * repeat / seconds);
        if (check_full_align) {
          std::printf("# unbanded alignment of the best transcripts: %.3f s; %d of %zu with other word timings\n",
                      full_align_seconds, align_mismatches, utterances.size());
        }
        std::fflush(stdout);
      }
    }
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("# %zu utterances, %.1f audio seconds, beam %d, threshold %.1f, token floor %.1f, lm %s; "
                "peak RSS %.0f MB\n",
                utterances.size(), audio_seconds, beam, threshold, min_log_prob, lm.c_str(), usage.ru_maxrss / 1024.0);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "w2v2_decode_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
