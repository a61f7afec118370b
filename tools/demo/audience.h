#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace rollcall::tools::demo {

struct AudienceOptions {
  std::string host;
  unsigned short port = 0;
  std::string event;
  double joins_per_second = 10;
  int people = 5000;  // the size of the online audience the demo draws from
  std::string token;  // a platform token
};

// A platform bridge for the demo: remote participants join and leave in batches over
// /v1/online, some of them registered badges (hybrid people), so the remote figures move.
// Runs until `stopping()` is true; returns a one-line failure, or empty.
std::string run_audience(const AudienceOptions& options, const std::vector<std::string>& badges,
                         const std::function<bool()>& stopping);

}  // namespace rollcall::tools::demo
