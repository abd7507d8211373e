#include "lm/compile_language_model.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <chrono>

#include "lm/load_language_model.h"
#include "lm/w2lm_file.h"

namespace w2v2 {

LmCompileReport compile_language_model(const std::string& input_path, const std::string& output_path) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const std::unique_ptr<NgramLanguageModel> lm = load_ngram_language_model(input_path);
  const LmTables& tables = lm->tables();
  LmCompileReport report;
  for (int n = 1; n <= tables.order; ++n) report.ngrams += tables.counts[n - 1];  // with any added
  const auto parsed = Clock::now();
  report.read_seconds = std::chrono::duration<double>(parsed - start).count();
  write_w2lm_file(tables, output_path);
  report.write_seconds = std::chrono::duration<double>(Clock::now() - parsed).count();
  struct stat st {};
  if (::stat(output_path.c_str(), &st) == 0) report.file_bytes = static_cast<uint64_t>(st.st_size);
  spdlog::info("{}: order {}, {} n-grams in the tables, read in {:.2f} s; wrote {} ({} bytes, {:.2f} bytes per n-gram) in {:.2f} s",
               input_path, tables.order, report.ngrams, report.read_seconds, output_path, report.file_bytes,
               report.ngrams ? static_cast<double>(report.file_bytes) / static_cast<double>(report.ngrams) : 0.0,
               report.write_seconds);
  return report;
}

}  // namespace w2v2
