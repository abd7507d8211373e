#include "output/scoring_files.h"

#include <filesystem>
#include <sstream>
#include <system_error>

#include "common/error.h"
#include "output/output_stream.h"

namespace w2v2 {

void write_scoring_details(const ScoringReport& report, const std::string& path) {
  std::ostringstream out;
  report.write_details_jsonl(out);
  write_output_file(path, out.str());
}

void write_trn_files(const ScoringReport& report, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  W2V2_CHECK_AS(OutputError, !ec, dir, ": cannot create (", ec.message(), ")");
  std::ostringstream hyp;
  std::ostringstream ref;
  report.write_trn(hyp, ref);
  write_output_file((std::filesystem::path(dir) / "hyp.trn").string(), hyp.str());
  write_output_file((std::filesystem::path(dir) / "ref.trn").string(), ref.str());
}

}  // namespace w2v2
