#include "tools/export/progress_bar.h"

#include <unistd.h>

#include <algorithm>

namespace rollcall::tools::exporting {

ProgressBar::ProgressBar(std::string what, std::size_t total)
    : what_(std::move(what)), total_(total), enabled_(::isatty(STDERR_FILENO) == 1) {}

ProgressBar::~ProgressBar() {
  done();
}

void ProgressBar::advance(std::size_t by) {
  done_ += by;
  draw();
}

void ProgressBar::draw() {
  if (!enabled_ || finished_) return;
  const auto total = std::max<std::size_t>(total_, 1);
  const int percent = static_cast<int>(std::min<std::size_t>(100, done_ * 100 / total));
  if (percent == last_percent_) return;  // redraw only when it moves
  last_percent_ = percent;
  constexpr int kWidth = 30;
  const int filled = percent * kWidth / 100;
  std::fprintf(stderr, "\r%s [%s%s] %3d%% %zu/%zu", what_.c_str(), std::string(filled, '#').c_str(),
               std::string(kWidth - filled, ' ').c_str(), percent, std::min(done_, total_), total_);
  std::fflush(stderr);
}

void ProgressBar::done() {
  if (!enabled_ || finished_) return;
  finished_ = true;
  if (last_percent_ >= 0) std::fputs("\r\033[K", stderr);  // leave the line clean
}

}  // namespace rollcall::tools::exporting
