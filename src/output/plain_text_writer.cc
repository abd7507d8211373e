#include "output/plain_text_writer.h"

namespace w2v2 {

void PlainTextWriter::write(const UtteranceResult& result) {
  if (result.status != UtteranceStatus::kOk) return;
  out_.stream() << result.id << '\t' << result.text << '\n';
}

}  // namespace w2v2
