#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

namespace w2v2 {

// Collects spans for a Chrome trace-event JSON (opens in Perfetto or chrome://tracing): one track per
// thread, one span per stage per batch or utterance. Thread-safe; disabled recorders cost one branch.
class TraceRecorder {
 public:
  using Clock = std::chrono::steady_clock;

  explicit TraceRecorder(bool enabled) : enabled_(enabled), origin_(Clock::now()) {}
  bool enabled() const { return enabled_; }

  // Names the calling thread's track ("reader 0", "device", ...).
  void name_thread(const std::string& name);
  void span(const std::string& name, Clock::time_point begin, Clock::time_point end, const std::string& detail = "");
  // A span on a named track that is no host thread (e.g. "gpu": when the GPU ran a batch).
  void span_on(const std::string& track, const std::string& name, Clock::time_point begin, Clock::time_point end,
               const std::string& detail = "");
  void write(const std::string& path) const;  // throws OutputError

 private:
  struct Event {
    std::string name;
    std::string detail;
    int thread;
    double begin_us;
    double duration_us;
  };
  int thread_index();                         // requires mutex_
  int track_index(const std::string& track);  // requires mutex_
  void add(int track, const std::string& name, Clock::time_point begin, Clock::time_point end,
           const std::string& detail);  // requires mutex_

  bool enabled_;
  Clock::time_point origin_;
  mutable std::mutex mutex_;
  std::vector<Event> events_;
  std::vector<std::pair<size_t, std::string>> threads_;  // hashed std::thread::id (0: a named track) -> name
};

}  // namespace w2v2
