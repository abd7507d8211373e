#include "output/csv_writer.h"

#include <cstdio>

namespace w2v2 {

CsvWriter::CsvWriter(const std::string& path) : out_(path) { out_.stream() << header(); }

std::string CsvWriter::header() { return "id,path,status,duration,text,stage,error\r\n"; }

std::string CsvWriter::quote(const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string out = "\"";
  for (char c : field) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string CsvWriter::row(const UtteranceResult& result) {
  char duration[32];
  std::snprintf(duration, sizeof(duration), "%.3f", result.duration_seconds);
  const bool ok = result.status == UtteranceStatus::kOk;
  return quote(result.id) + "," + quote(result.path) + "," + (ok ? "ok" : "error") + "," + duration + "," +
         quote(result.text) + "," + quote(to_string(result.error_stage)) + "," + quote(result.error) + "\r\n";
}

void CsvWriter::write(const UtteranceResult& result) { out_.stream() << row(result); }

}  // namespace w2v2
