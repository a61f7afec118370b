// rollcall-demo: makes a plausible registry and drives a crowd of desks against a gateway, so the
// whole system can be watched end to end (tools/run) without real scanners.
#include <atomic>
#include <csignal>
#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include <boost/algorithm/string/split.hpp>
#include <boost/program_options.hpp>

#include "tools/client/token_file.h"
#include "tools/demo/crowd.h"
#include "tools/demo/registry_generator.h"

namespace po = boost::program_options;
namespace demo = rollcall::tools::demo;

namespace {

// Lock-free, so setting it from a signal handler is safe.
std::atomic<bool> stop_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free);

void on_signal(int) {
  stop_requested.store(true);
}

const char* kUsage =
    "usage: rollcall-demo registry --badges N --seed S --out FILE.csv\n"
    "       rollcall-demo crowd --gateway HOST:PORT --event E --registry FILE.csv --desks N\n"
    "                           --rate SCANS_PER_SEC [--duration SECONDS]\n"
    "       rollcall-demo SUBCOMMAND --help\n";

int usage_error(const std::string& reason) {
  std::cerr << "rollcall-demo: " << reason << "\n" << kUsage;
  return 2;
}

int run_registry(const std::vector<std::string>& args) {
  int badges = 0;
  std::uint64_t seed = 1;
  std::string out;
  po::options_description options("rollcall-demo registry: writes a plausible registry CSV");
  options.add_options()("help,h", "show this help")("badges", po::value(&badges)->required(),
                                                    "number of badges (rows)")(
      "seed", po::value(&seed)->default_value(1), "random seed: the same seed, the same rows")(
      "out", po::value(&out)->required(),
      "output CSV (badge_id,country,category,name,organization)");
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(options).run(), vm);
    if (vm.count("help")) {
      std::cout << options;
      return 0;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    return usage_error(e.what());
  }
  if (badges <= 0) return usage_error("--badges must be positive");
  try {
    demo::write_registry_csv(out, demo::generate_registry(badges, seed));
  } catch (const std::exception& e) {
    std::cerr << "rollcall-demo: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

int run_crowd(const std::vector<std::string>& args) {
  demo::CrowdOptions crowd;
  std::string gateway;
  std::string tokens_path;
  std::string zones;
  po::options_description options(
      "rollcall-demo crowd: desks scanning people in and out until Ctrl-C");
  options.add_options()("help,h", "show this help")("gateway", po::value(&gateway)->required(),
                                                    "gateway HOST:PORT")(
      "event", po::value(&crowd.event)->required(), "event id")(
      "registry", po::value(&crowd.registry)->required(), "registry CSV (badge_id column used)")(
      "desks", po::value(&crowd.desks)->default_value(4), "desk connections, one thread each")(
      "rate", po::value(&crowd.rate)->default_value(20), "scans per second over all desks")(
      "duration", po::value(&crowd.duration)->default_value(0), "seconds; 0 = until Ctrl-C")(
      "progress", po::value(&crowd.progress)->default_value(5), "seconds between progress lines")(
      "joins", po::value(&crowd.joins_per_second)->default_value(10),
      "online joins and leaves per second through a platform bridge (0: none)")(
      "zones", po::value(&zones)->default_value("hall_a,hall_b,room_1"),
      "comma-separated zones; desks are spread over them")(
      "tokens", po::value(&tokens_path)->required(),
      "file of `ROLE TOKEN` lines: a desk and a platform token from rollcall-admin, and "
      "`desk:desk-N TOKEN` lines for desks with their own token (a desk is its token)");
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(options).run(), vm);
    if (vm.count("help")) {
      std::cout << options;
      return 0;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    return usage_error(e.what());
  }
  auto colon = gateway.rfind(':');
  if (colon == std::string::npos || colon == 0) return usage_error("--gateway must be HOST:PORT");
  try {
    int port = std::stoi(gateway.substr(colon + 1));
    if (port <= 0 || port > 65535) throw std::out_of_range("port");
    crowd.port = static_cast<unsigned short>(port);
  } catch (const std::exception&) {
    return usage_error("bad port in --gateway " + gateway);
  }
  crowd.host = gateway.substr(0, colon);
  if (crowd.host.size() > 2 && crowd.host.front() == '[') {
    crowd.host = crowd.host.substr(1, crowd.host.size() - 2);  // [::1]
  }
  try {
    auto tokens = rollcall::tools::client::read_token_file(tokens_path);
    crowd.desk_token = tokens["desk"];
    crowd.platform_token = tokens["platform"];
    for (const auto& [role, token] : tokens) {
      if (role.starts_with("desk:")) crowd.desk_tokens[role.substr(5)] = token;
    }
  } catch (const std::exception& e) {
    return usage_error(e.what());
  }
  if (crowd.desks <= 0) return usage_error("--desks must be positive");
  if (!(crowd.rate > 0)) return usage_error("--rate must be positive");
  if (crowd.joins_per_second < 0) return usage_error("--joins must not be negative");
  if (crowd.duration < 0) return usage_error("--duration must not be negative");
  if (!(crowd.progress > 0)) return usage_error("--progress must be positive");
  crowd.zones.clear();
  boost::algorithm::split(crowd.zones, zones, [](char c) { return c == ','; });
  std::erase(crowd.zones, std::string());
  if (crowd.zones.empty()) return usage_error("--zones needs at least one zone");

  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  return demo::run_crowd(crowd, stop_requested);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage_error("missing subcommand");
  std::string command = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << "rollcall-demo: a plausible registry and a crowd of desks, for demos and load\n\n"
              << kUsage;
    return 0;
  }
  try {
    if (command == "registry") return run_registry(args);
    if (command == "crowd") return run_crowd(args);
  } catch (const std::exception& e) {
    std::cerr << "rollcall-demo: " << e.what() << "\n";
    return 1;
  }
  return usage_error("unknown subcommand " + command);
}
