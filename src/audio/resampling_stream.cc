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
  W2V2_CHECK(reader_ && reader_->known_frames() >= 0,
             "ResamplingStream needs a file whose length is known (an exact header or the counting pass)");
  frames_ = resampled_length(reader_->known_frames(), reader_->sample_rate_hz(), target_rate_hz);
  sequential_ = !reader_->exact_length();
  if (reader_->sample_rate_hz() == target_rate_hz) return;
  sequential_ = true;
  ratio_ = static_cast<double>(target_rate_hz) / reader_->sample_rate_hz();
  soxr_ = make_soxr(reader_->sample_rate_hz(), target_rate_hz);
}

ResamplingStream::~ResamplingStream() = default;

std::vector<float> ResamplingStream::read(int64_t start, int64_t count) {
  W2V2_CHECK_AS(AudioReadError, start >= last_start_ && count >= 0, reader_->path(),
                ": ResamplingStream: ranges must not go back");
  last_start_ = start;
  if (!sequential_) return reader_->read(start, std::min(count, std::max<int64_t>(frames_ - start, 0)));
  fill(start + count);
  const int64_t buffer_start = produced_ - static_cast<int64_t>(buffer_.size());
  const int64_t from = std::clamp<int64_t>(start - buffer_start, 0, static_cast<int64_t>(buffer_.size()));
  const int64_t to = std::clamp<int64_t>(start + count - buffer_start, from, static_cast<int64_t>(buffer_.size()));
  std::vector<float> out(buffer_.begin() + from, buffer_.begin() + to);
  buffer_.erase(buffer_.begin(), buffer_.begin() + from);  // later ranges start here or after
  return out;
}

void ResamplingStream::append(const float* samples, size_t count) {
  const auto room = static_cast<size_t>(std::max<int64_t>(frames_ - produced_, 0));
  const size_t kept = std::min(count, room);
  buffer_.insert(buffer_.end(), samples, samples + kept);
  produced_ += static_cast<int64_t>(kept);
}

void ResamplingStream::fill(int64_t end) {
  end = std::min(end, frames_);
  std::vector<float> output;
  while (produced_ < end && !source_done_) {
    const std::vector<float> input = reader_->read(source_position_, kSourceBlockFrames);  // front to back
    source_position_ += static_cast<int64_t>(input.size());
    if (!soxr_) {
      source_done_ = input.empty();
      append(input.data(), input.size());
      continue;
    }
    output.resize(static_cast<size_t>(static_cast<double>(input.size()) * ratio_) + 4096);
    if (input.empty()) {  // end of the file: flush the filter
      source_done_ = true;
      for (;;) {
        size_t produced = 0;
        soxr_error_t error = soxr_process(soxr_.get(), nullptr, 0, nullptr, output.data(), output.size(), &produced);
        W2V2_CHECK_AS(AudioReadError, error == nullptr, "soxr_process (flush) failed: ", error);
        if (produced == 0) break;
        append(output.data(), produced);
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
      append(output.data(), produced);
    }
  }
}

}  // namespace w2v2
