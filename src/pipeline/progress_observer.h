#pragma once

#include <cstddef>
#include <cstdint>

namespace w2v2 {

struct Progress {
  size_t done = 0;             // results written
  size_t total = 0;            // inputs
  double audio_seconds = 0.0;  // audio of the results written
  double elapsed_seconds = 0.0;
  uint64_t bytes_done = 0;     // input file sizes, for an ETA by audio amount
  uint64_t bytes_total = 0;
};

// Receives progress from the writer thread after every result. The library never prints: the
// application decides (a progress bar on a terminal, nothing otherwise).
class ProgressObserver {
 public:
  virtual ~ProgressObserver() = default;
  virtual void on_progress(const Progress& progress) = 0;
  virtual void on_finish() {}
};

}  // namespace w2v2
