#pragma once

#include <chrono>

#include "pipeline/progress_observer.h"

namespace w2v2::app {

// A one-line progress bar on stderr with an ETA by audio amount (input bytes), redrawn at most 10 times a
// second. Only created when stderr is a terminal and --quiet is not given.
class ProgressBar : public ProgressObserver {
 public:
  void on_progress(const Progress& progress) override;
  void on_finish() override;

 private:
  std::chrono::steady_clock::time_point last_draw_{};
  bool drawn_ = false;
};

}  // namespace w2v2::app
