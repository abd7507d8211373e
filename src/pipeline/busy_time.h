#pragma once

#include <chrono>
#include <mutex>

namespace w2v2 {

// Seconds a stage spent working, added up over its threads.
class BusyTime {
 public:
  using Clock = std::chrono::steady_clock;

  void add(Clock::time_point begin, Clock::time_point end) {
    std::lock_guard<std::mutex> lock(mutex_);
    seconds_ += std::chrono::duration<double>(end - begin).count();
  }
  double seconds() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return seconds_;
  }

 private:
  mutable std::mutex mutex_;
  double seconds_ = 0.0;
};

}  // namespace w2v2
