#include "pipeline/trace_recorder.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <functional>
#include <thread>

#include "common/error.h"
#include "output/output_stream.h"

namespace w2v2 {

int TraceRecorder::thread_index() {
  const size_t id = std::hash<std::thread::id>{}(std::this_thread::get_id()) | 1;  // never 0 (named tracks)
  for (size_t i = 0; i < threads_.size(); ++i) {
    if (threads_[i].first == id) return static_cast<int>(i);
  }
  threads_.emplace_back(id, "thread " + std::to_string(threads_.size()));
  return static_cast<int>(threads_.size() - 1);
}

int TraceRecorder::track_index(const std::string& track) {
  for (size_t i = 0; i < threads_.size(); ++i) {
    if (threads_[i].first == 0 && threads_[i].second == track) return static_cast<int>(i);
  }
  threads_.emplace_back(0, track);
  return static_cast<int>(threads_.size() - 1);
}

void TraceRecorder::name_thread(const std::string& name) {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  threads_[static_cast<size_t>(thread_index())].second = name;
}

void TraceRecorder::span(const std::string& name, Clock::time_point begin, Clock::time_point end,
                         const std::string& detail) {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  add(thread_index(), name, begin, end, detail);
}

void TraceRecorder::span_on(const std::string& track, const std::string& name, Clock::time_point begin,
                            Clock::time_point end, const std::string& detail) {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  add(track_index(track), name, begin, end, detail);
}

void TraceRecorder::add(int track, const std::string& name, Clock::time_point begin, Clock::time_point end,
                        const std::string& detail) {
  const double b = std::chrono::duration<double, std::micro>(begin - origin_).count();
  const double d = std::chrono::duration<double, std::micro>(end - begin).count();
  events_.push_back(Event{name, detail, track, b, d});
}

void TraceRecorder::write(const std::string& path) const {
  nlohmann::json events = nlohmann::json::array();
  std::lock_guard<std::mutex> lock(mutex_);
  for (size_t i = 0; i < threads_.size(); ++i) {
    events.push_back({{"name", "thread_name"}, {"ph", "M"}, {"pid", 1}, {"tid", i}, {"args", {{"name", threads_[i].second}}}});
  }
  for (const auto& e : events_) {
    nlohmann::json event = {{"name", e.name}, {"ph", "X"}, {"pid", 1}, {"tid", e.thread}, {"ts", e.begin_us},
                            {"dur", e.duration_us}};
    if (!e.detail.empty()) event["args"] = {{"detail", e.detail}};
    events.push_back(event);
  }
  write_output_file(path, nlohmann::json{{"traceEvents", events}, {"displayTimeUnit", "ms"}}.dump(
                              -1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace w2v2
