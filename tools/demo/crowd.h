#pragma once

#include <atomic>
#include <map>
#include <string>
#include <vector>

namespace rollcall::tools::demo {

struct CrowdOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  std::string event;
  std::string registry;  // CSV path; only badge_id is used
  int desks = 4;
  double rate = 20;              // scans per second over all desks
  double joins_per_second = 10;  // online joins and leaves by a platform bridge; 0: none
  double duration = 0;           // seconds; 0 = until stopped
  double progress = 5;           // seconds between progress lines
  std::vector<std::string> zones = {"hall_a", "hall_b", "room_1"};
  std::string desk_token;  // access tokens, as rollcall-admin issued them
  std::string platform_token;
  // A desk is its token: desk-N scans with desk_tokens["desk-N"] when there is one (else with
  // desk_token, and the gateway counts it under that token's desk).
  std::map<std::string, std::string> desk_tokens;
};

// Drives `desks` desk clients (one thread each) at `rate` scans per second in total: people come
// in, go out and come back; a few probes make the other statuses (already inside, exit without
// entry, unknown badge, a repeated scan_id). Prints progress to stdout until `stop` or the
// duration ends. Returns 0, or 1 with a one-line reason on stderr (e.g. unknown event).
int run_crowd(const CrowdOptions& options, const std::atomic<bool>& stop);

}  // namespace rollcall::tools::demo
