#include "audio/resampling_stream.h"

#include <soxr.h>

#include <algorithm>
#include <cmath>

#include "audio/resampler.h"
#include "common/error.h"

namespace w2v2 {
namespace {

constexpr int64_t kSourceBlockFrames = 1 << 16;

}  // namespace

ResamplingStream::ResamplingStream(std::unique_ptr<AudioStreamReader> reader, int target_rate_hz)
    : reader_(std::move(reader)) {
  W2V2_CHECK(reader_ && reader_->exact_length(), "ResamplingStream needs a file whose length is exact");
  frames_ = resampled_length(reader_->declared_frames(), reader_->sample_rate_hz(), target_rate_hz);
  if (reader_->sample_rate_hz() == target_rate_hz) return;
  ratio_ = static_cast<double>(target_rate_hz) / reader_->sample_rate_hz();
  soxr_ = make_soxr(reader_->sample_rate_hz(), target_rate_hz);
}

ResamplingStream::~ResamplingStream() = default;

std::vector<float> ResamplingStream::read(int64_t start, int64_t count) {
  W2V2_CHECK_AS(AudioReadError, start >= last_start_ && count >= 0, "ResamplingStream: ranges must not go back");
  last_start_ = start;
  if (!soxr_) return reader_->read(start, count);
  fill(start + count);
  const int64_t buffer_start = produced_ - static_cast<int64_t>(buffer_.size());
  const int64_t from = std::clamp<int64_t>(start - buffer_start, 0, static_cast<int64_t>(buffer_.size()));
  const int64_t to = std::clamp<int64_t>(start + count - buffer_start, from, static_cast<int64_t>(buffer_.size()));
  std::vector<float> out(buffer_.begin() + from, buffer_.begin() + to);
  buffer_.erase(buffer_.begin(), buffer_.begin() + from);  // later ranges start here or after
  return out;
}

void ResamplingStream::fill(int64_t end) {
  end = std::min(end, frames_);
  std::vector<float> output;
  auto append = [&](size_t produced) {
    const auto room = static_cast<size_t>(std::max<int64_t>(frames_ - produced_, 0));  // as resample(): capped
    const size_t kept = std::min(produced, room);
    buffer_.insert(buffer_.end(), output.begin(), output.begin() + static_cast<std::ptrdiff_t>(kept));
    produced_ += static_cast<int64_t>(kept);
  };
  while (produced_ < end && !source_done_) {
    const std::vector<float> input = reader_->read(source_position_, kSourceBlockFrames);  // front to back
    source_position_ += static_cast<int64_t>(input.size());
    output.resize(static_cast<size_t>(static_cast<double>(input.size()) * ratio_) + 4096);
    if (input.empty()) {  // end of the file: flush the filter
      source_done_ = true;
      for (;;) {
        size_t produced = 0;
        soxr_error_t error = soxr_process(soxr_.get(), nullptr, 0, nullptr, output.data(), output.size(), &produced);
        W2V2_CHECK_AS(AudioReadError, error == nullptr, "soxr_process (flush) failed: ", error);
        if (produced == 0) break;
        append(produced);
      }
      break;
    }
    for (size_t offset = 0; offset < input.size();) {
      size_t consumed = 0;
      size_t produced = 0;
      soxr_error_t error = soxr_process(soxr_.get(), input.data() + offset, input.size() - offset, &consumed,
                                        output.data(), output.size(), &produced);
      W2V2_CHECK_AS(AudioReadError, error == nullptr, "soxr_process failed: ", error);
      W2V2_CHECK_AS(AudioReadError, consumed > 0 || produced > 0, "soxr_process made no progress");
      offset += consumed;
      append(produced);
    }
  }
}

}  // namespace w2v2
