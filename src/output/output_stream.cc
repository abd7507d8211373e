#include "output/output_stream.h"

#include <cstdio>
#include <iostream>

#include "common/error.h"

namespace w2v2 {

OutputStream::OutputStream(const std::string& path) : path_(path), out_(&std::cout) {
  if (path.empty() || path == "-") return;
  tmp_path_ = path + ".tmp";
  file_.open(tmp_path_, std::ios::binary | std::ios::trunc);
  W2V2_CHECK_AS(OutputError, file_.good(), tmp_path_, ": cannot open for writing");
  out_ = &file_;
}

OutputStream::~OutputStream() {
  if (!tmp_path_.empty() && !committed_) {
    file_.close();
    std::remove(tmp_path_.c_str());
  }
}

void OutputStream::commit() {
  out_->flush();
  W2V2_CHECK_AS(OutputError, out_->good(), path_.empty() ? "stdout" : path_, ": write failed");
  if (tmp_path_.empty() || committed_) return;
  file_.close();
  W2V2_CHECK_AS(OutputError, std::rename(tmp_path_.c_str(), path_.c_str()) == 0, path_, ": rename failed");
  committed_ = true;
}

void write_output_file(const std::string& path, const std::string& content) {
  OutputStream out(path);
  out.stream() << content;
  out.commit();
}

}  // namespace w2v2
