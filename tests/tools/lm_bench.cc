// scripts/bench_lm.sh's timer: loads a language model (ARPA: parse + build; .w2lm: map + checks) and scores a
// text with it. Prints one JSON object:
//   lm_bench MODEL TEXT [REPEATS]
// TEXT: whitespace-separated words, one sentence per line (each scored from <s>, with </s>).
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.h"
#include "lm/load_language_model.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: lm_bench MODEL TEXT [REPEATS]\n");
    return 2;
  }
  using Clock = std::chrono::steady_clock;
  const int repeats = argc > 3 ? std::stoi(argv[3]) : 5;
  try {
    const auto start = Clock::now();
    const auto lm = w2v2::load_ngram_language_model(argv[1]);
    const double load_seconds = std::chrono::duration<double>(Clock::now() - start).count();
    uint64_t ngrams = 0;
    for (int n = 1; n <= lm->order(); ++n) ngrams += lm->ngram_count(n);

    std::vector<std::vector<std::string>> sentences;
    std::ifstream text(argv[2]);
    uint64_t words = 0;
    for (std::string line; std::getline(text, line);) {
      std::istringstream in(line);
      std::vector<std::string> sentence;
      for (std::string w; in >> w;) sentence.push_back(w);
      words += sentence.size();
      sentences.push_back(std::move(sentence));
    }
    const auto lookup_start = Clock::now();
    std::vector<std::vector<w2v2::LmWordId>> ids;
    for (const auto& s : sentences) {
      std::vector<w2v2::LmWordId> row;
      for (const auto& w : s) row.push_back(lm->word_id(w));
      ids.push_back(std::move(row));
    }
    const double lookup_seconds = std::chrono::duration<double>(Clock::now() - lookup_start).count();

    double total = 0;
    const auto score_start = Clock::now();
    for (int r = 0; r < repeats; ++r) {
      for (const auto& row : ids) {
        w2v2::LmState state = lm->begin_sentence_state();
        for (const w2v2::LmWordId id : row) total += lm->score(state, id, state);
        total += lm->end_sentence_score(state);
      }
    }
    const double score_seconds = std::chrono::duration<double>(Clock::now() - score_start).count();
    const double scores = static_cast<double>(repeats) * static_cast<double>(words + sentences.size());
    std::printf(
        "{\"model\": \"%s\", \"order\": %d, \"ngrams\": %llu, \"load_seconds\": %.4f, \"ngrams_per_second_load\": %.0f, "
        "\"table_bytes\": %llu, \"bytes_per_ngram\": %.2f, \"words\": %llu, \"word_lookups_per_second\": %.0f, "
        "\"scores\": %.0f, \"scores_per_second\": %.0f, \"log10_sum\": %.6g}\n",
        argv[1], lm->order(), static_cast<unsigned long long>(ngrams), load_seconds, ngrams / load_seconds,
        static_cast<unsigned long long>(lm->table_bytes()), static_cast<double>(lm->table_bytes()) / ngrams,
        static_cast<unsigned long long>(words), words / lookup_seconds, scores, scores / score_seconds, total);
  } catch (const w2v2::Error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
