#pragma once

#include <fstream>
#include <ostream>
#include <string>

namespace w2v2 {

// Standard output (path "" or "-") or a file written under a temporary name and renamed into place
// on commit(), so a reader never sees a half-written file.
class OutputStream {
 public:
  explicit OutputStream(const std::string& path);
  ~OutputStream();
  OutputStream(const OutputStream&) = delete;
  OutputStream& operator=(const OutputStream&) = delete;

  std::ostream& stream() { return *out_; }
  void commit();  // throws OutputError

 private:
  std::string path_;
  std::string tmp_path_;
  std::ofstream file_;
  std::ostream* out_;
  bool committed_ = false;
};

// The whole of `content` through an OutputStream: written under a temporary name and renamed into place
// (or to stdout for "" or "-"). Throws OutputError naming the file.
void write_output_file(const std::string& path, const std::string& content);

}  // namespace w2v2
