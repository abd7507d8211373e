#pragma once

#include <string>

#include "output/output_stream.h"
#include "output/transcript_writer.h"

namespace w2v2 {

// RFC 4180 CSV, one row per input (failures too): id,path,status,duration,text,stage,error. Fields with a
// comma, quote, CR or LF are quoted, quotes doubled; UTF-8 passes through.
class CsvWriter : public TranscriptWriter {
 public:
  explicit CsvWriter(const std::string& path);
  void write(const UtteranceResult& result) override;
  void finish() override { out_.commit(); }

  static std::string header();
  static std::string row(const UtteranceResult& result);  // with the trailing "\r\n"
  static std::string quote(const std::string& field);

 private:
  OutputStream out_;
};

}  // namespace w2v2
