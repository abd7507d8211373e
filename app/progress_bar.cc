#include "progress_bar.h"

#include <cstdio>
#include <string>

namespace w2v2::app {

void ProgressBar::on_progress(const Progress& p) {
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && p.done < p.total && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  drawn_ = true;
  const double fraction = p.total ? static_cast<double>(p.done) / p.total : 1.0;
  const double by_audio = p.bytes_total ? static_cast<double>(p.bytes_done) / p.bytes_total : fraction;
  const double eta = by_audio > 0 ? p.elapsed_seconds * (1.0 - by_audio) / by_audio : 0.0;
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(by_audio * kWidth);
  const std::string bar = std::string(filled, '#') + std::string(kWidth - filled, '.');
  std::fprintf(stderr, "\r[%s] %zu/%zu files, %.0f s audio, %.1fx real time, ETA %.0f s   ", bar.c_str(), p.done,
               p.total, p.audio_seconds, p.elapsed_seconds > 0 ? p.audio_seconds / p.elapsed_seconds : 0.0, eta);
  std::fflush(stderr);
}

void ProgressBar::on_finish() {
  if (drawn_) std::fprintf(stderr, "\n");
}

}  // namespace w2v2::app
