#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace w2v2 {

// Lets reader threads hand their pieces on in input order, while they read (decode, resample, normalize)
// in parallel: the reader of input i waits for its turn before its first piece and passes the turn on when
// its last piece is out. The batcher then sees the inputs in the order the serial path does, so its windows,
// and the batches, do not depend on which reader finished first. Each waiting reader holds one input.
class InputOrderGate {
 public:
  // Blocks until every input before `index` is passed on; false once aborted.
  bool wait_turn(size_t index) {
    std::unique_lock<std::mutex> lock(mutex_);
    turn_changed_.wait(lock, [&] { return aborted_ || next_ == index; });
    return !aborted_;
  }
  void pass(size_t index) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (next_ == index) next_ = index + 1;
    turn_changed_.notify_all();
  }
  void abort() {
    std::lock_guard<std::mutex> lock(mutex_);
    aborted_ = true;
    turn_changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable turn_changed_;
  size_t next_ = 0;
  bool aborted_ = false;
};

}  // namespace w2v2
