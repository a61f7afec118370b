#pragma once

#include <cstddef>
#include <cstdio>
#include <string>

namespace rollcall::tools::exporting {

// A one-line progress bar on stderr for long exports; silent unless stderr is a terminal, so
// logs and pipes never get carriage returns.
class ProgressBar {
 public:
  ProgressBar(std::string what, std::size_t total);
  ~ProgressBar();

  void advance(std::size_t by);
  void done();

 private:
  void draw();

  std::string what_;
  std::size_t total_;
  std::size_t done_ = 0;
  bool enabled_;
  bool finished_ = false;
  int last_percent_ = -1;
};

}  // namespace rollcall::tools::exporting
