#include "pipeline/ordered_writer.h"

#include <filesystem>

#include "common/error.h"

namespace w2v2 {

OrderedWriter::OrderedWriter(TranscriptWriter& writer, ProgressObserver* progress,
                             const std::vector<Utterance>& inputs, PipelineClock::time_point start,
                             TranscriptWriter* journal)
    : writer_(writer), progress_(progress), journal_(journal), start_(start), total_(inputs.size()),
      sizes_(inputs.size(), 0) {
  state_.total = inputs.size();
  if (!progress_) return;
  for (size_t i = 0; i < inputs.size(); ++i) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(inputs[i].path, ec);
    sizes_[i] = ec ? 0 : size;
    state_.bytes_total += sizes_[i];
  }
}

void OrderedWriter::accept(UtteranceResult result) {
  const size_t index = result.index;
  W2V2_CHECK(index >= next_ && index < total_, "writer: result for input ", index, " out of turn (next ", next_,
             " of ", total_, ")");
  W2V2_CHECK(pending_.count(index) == 0, "writer: two results for input ", index);
  if (journal_) journal_->write(result);  // throws OutputError: the run stops rather than lose the record
  pending_.emplace(index, std::move(result));
  for (auto it = pending_.find(next_); it != pending_.end(); it = pending_.find(next_)) {
    write(it->second);
    pending_.erase(it);
  }
}

void OrderedWriter::write(UtteranceResult& result) {
  const auto t0 = PipelineClock::now();
  write_result(writer_, result);
  summary_.count(std::move(result));
  if (progress_) {
    state_.done = next_ + 1;
    state_.audio_seconds = summary_.audio_seconds;
    state_.bytes_done += sizes_[next_];
    state_.elapsed_seconds = std::chrono::duration<double>(PipelineClock::now() - start_).count();
    progress_->on_progress(state_);
  }
  ++next_;
  busy_seconds_ += std::chrono::duration<double>(PipelineClock::now() - t0).count();
}

}  // namespace w2v2
