// rollcall-loadgen: replays a rollcall-scenario timeline against a gateway with many desks,
// bridges, displays and beacons as real WebSocket clients, and reports what it measured.
// Exit codes: 0 the whole timeline was answered, 1 failure (one-line reason: a refused upgrade
// names its HTTP status; displays that received nothing fail the run), 2 bad usage.
#include <chrono>
#include <fstream>
#include <iostream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/json.hpp>
#include <boost/program_options.hpp>

#include "tools/cli/command_line.h"

#include "tools/client/token_file.h"
#include "tools/loadgen/replay.h"
#include "tools/loadgen/timeline_file.h"
#include "tools/scenario/event_clock.h"

namespace po = boost::program_options;
namespace loadgen = rollcall::tools::loadgen;

namespace {

constexpr const char* kName = "rollcall-loadgen";

int usage_error(const std::string& why) {
  return rollcall::tools::cli::usage_error(kName, why);
}

// "real" -> 1, "x60" -> 60, "max" -> 0; negative when not understood.
double parse_speed(const std::string& text) {
  if (text == "real") return 1;
  if (text == "max") return 0;
  if (text.size() > 1 && text[0] == 'x') {
    try {
      std::size_t used = 0;
      const double factor = std::stod(text.substr(1), &used);
      if (used == text.size() - 1 && factor > 0) return factor;
    } catch (const std::exception&) {
    }
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description described(
      "Usage: rollcall-loadgen --gateway HOST:PORT --timeline FILE [options]\n\n"
      "Replays a timeline written by rollcall-scenario against a rollcall gateway: one desk\n"
      "connection per desk id (scans pipelined, results matched in order, `unavailable` retried\n"
      "with the same scan_id), one connection per platform bridge (batches of joins and leaves),\n"
      "plus displays and presence beacons. A badge's next scan waits for the previous result, so\n"
      "the counts come out as the scenario's truth.json says at any speed. Beacons are extra\n"
      "remote participants (loadgen-beacon-N): they add to the remote figures.\n\nOptions",
      100, 50);
  std::string gateway, display_gateway, timeline_path, speed_text, report_path, last_day, event;
  loadgen::ReplayOptions options;
  unsigned stall = 60;
  unsigned settle_ms = 1500;
  std::string tokens_path;
  // clang-format off
  described.add_options()
    ("help,h", "show this help and exit")
    ("gateway", po::value(&gateway)->value_name("HOST:PORT"), "the gateway (required)")
    ("display-gateway", po::value(&display_gateway)->value_name("HOST:PORT"),
     "the displays connect there instead (another gateway of the same Redis: scans on one "
     "gateway, displays on another)")
    ("timeline", po::value(&timeline_path)->value_name("FILE"), "timeline.jsonl (required)")
    ("event", po::value(&event)->value_name("EVENT"), "event id (default: the timeline's)")
    ("speed", po::value(&speed_text)->value_name("real|xN|max")->default_value("max"),
     "real time, N times faster, or as fast as the gateway answers")
    ("last-day", po::value(&last_day)->value_name("DATE")->default_value("yesterday"),
     "re-date device times so the event's last day is DATE (YYYY-MM-DD, today, yesterday; event "
     "time zone), keeping times of day; `keep` sends the timeline's own dates")
    ("desks", po::value(&options.desks)->value_name("N")->default_value(0),
     "desk connections; 0: one per desk id, N: scans spread over N connections")
    ("displays", po::value(&options.displays)->value_name("N")->default_value(1),
     "display connections (the first one measures scan-to-display latency; exactly for desks "
     "with their own token: when its count of the desk's scans includes the scan)")
    ("beacons", po::value(&options.beacons)->value_name("N")->default_value(0),
     "presence beacon connections held open for the whole run")
    ("window", po::value(&options.window)->value_name("N")->default_value(1),
     "scans in flight per desk connection")
    ("batch", po::value(&options.batch)->value_name("N")->default_value(500),
     "presence events per bridge batch (at most 1000)")
    ("json", po::bool_switch(&options.json), "desks and bridges speak rollcall.v1.json, not binary")
    ("stall-timeout", po::value(&stall)->value_name("S")->default_value(60),
     "give up after S seconds without any reply")
    ("settle-ms", po::value(&settle_ms)->value_name("MS")->default_value(1500),
     "after the last reply, keep the displays open this long")
    ("tokens", po::value(&tokens_path)->value_name("FILE"),
     "access tokens, one `ROLE TOKEN` line each (desk, platform, display), as rollcall-admin "
     "issued them; `desk:NAME TOKEN` lines give desk NAME its own token (issue it with --desk "
     "NAME: its scans are then followed on the display, see --displays)")
    ("report", po::value(&report_path)->value_name("FILE.json"),
     "write the measurements there (they also go to stdout)");
  // clang-format on
  po::variables_map vm;
  if (auto stop =
          rollcall::tools::cli::parse_command_line(kName, argc, argv, described, described, &vm)) {
    return *stop;
  }
  if (gateway.empty()) return usage_error("--gateway is required");
  if (timeline_path.empty()) return usage_error("--timeline is required");
  const auto split = [](const std::string& address, std::string* host, std::string* port) {
    const auto colon = address.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) return false;
    *host = address.substr(0, colon);
    *port = address.substr(colon + 1);
    return true;
  };
  if (!split(gateway, &options.host, &options.port)) {
    return usage_error("--gateway wants HOST:PORT");
  }
  if (!display_gateway.empty() &&
      !split(display_gateway, &options.display_host, &options.display_port)) {
    return usage_error("--display-gateway wants HOST:PORT");
  }
  options.event = event;
  options.speed = parse_speed(speed_text);
  if (options.speed < 0) return usage_error("--speed wants real, xN (e.g. x60) or max");
  if (options.desks < 0 || options.displays < 0 || options.beacons < 0 || options.window < 1 ||
      options.batch < 1 || options.batch > 1000) {
    return usage_error(
        "--desks, --displays, --beacons must be >= 0, --window >= 1, "
        "--batch 1..1000");
  }
  if (!tokens_path.empty()) {
    try {
      options.tokens = rollcall::tools::client::read_token_file(tokens_path);
    } catch (const std::exception& e) {
      return usage_error(e.what());
    }
  }
  options.stall_timeout = std::chrono::seconds(stall);
  options.settle = std::chrono::milliseconds(settle_ms);

  loadgen::Timeline timeline;
  try {
    // The header names the time zone; read it first to resolve today/yesterday there.
    std::string resolved;
    if (last_day != "keep") {
      const auto peek = loadgen::load_timeline_header(timeline_path);
      const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
      try {
        resolved = rollcall::tools::scenario::resolve_day(last_day, peek.time_zone, now);
      } catch (const std::exception& e) {
        return usage_error(std::string("--last-day: ") + e.what());
      }
    }
    timeline = loadgen::load_timeline(timeline_path, resolved);
  } catch (const std::exception& e) {
    std::cerr << kName << ": " << e.what() << "\n";
    return 1;
  }

  boost::asio::io_context io(1);
  loadgen::Replay replay(io, timeline, options);
  // SIGINT/SIGTERM end the replay early and still write the report (tools/bench stops a
  // background load this way and reads what it did); the exit code says it did not complete.
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&replay](const boost::system::error_code& ec, int number) {
    if (!ec) replay.interrupt(number);
  });
  boost::asio::co_spawn(io, replay.run(), [&](std::exception_ptr thrown) {
    if (thrown) replay.fail("the replay threw: " + loadgen::Replay::describe(thrown));
    signals.cancel();
  });
  io.run();

  const auto report = replay.report();
  const auto text = boost::json::serialize(report);
  std::cout << text << "\n";
  if (!report_path.empty()) {
    std::ofstream out(report_path, std::ios::trunc);
    out << text << "\n";
    if (!out) {
      std::cerr << kName << ": cannot write " << report_path << "\n";
      return 1;
    }
  }
  if (!replay.complete()) {
    std::cerr << kName << ": "
              << (replay.failure().empty() ? std::string("the replay did not complete")
                                           : replay.failure())
              << "\n";
    return 1;
  }
  return 0;
}
