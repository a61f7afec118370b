#include "gateway/options.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <thread>

#include <boost/program_options.hpp>

namespace rollcall::gateway {
namespace {

namespace asio = boost::asio;
namespace po = boost::program_options;

std::optional<asio::ip::tcp::endpoint> parse_listen(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  auto host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host.empty() ? "0.0.0.0" : host, ec);
  char* end = nullptr;
  const auto port = std::strtoul(text.c_str() + colon + 1, &end, 10);
  if (ec || *end != '\0' || port > 65535 || colon + 1 == text.size()) return std::nullopt;
  return asio::ip::tcp::endpoint(address, static_cast<unsigned short>(port));
}

// Durations are given as whole units on the command line.
template <class Duration>
unsigned count_of(Duration duration) {
  return static_cast<unsigned>(duration.count());
}

po::options_description describe(const GatewayOptions& d) {
  const auto& l = d.limits;
  po::options_description options("rollcall-gateway options");
  options.add_options()("help,h", "show this help and exit")(
      "listen", po::value<std::string>()->default_value(d.listen), "HOST:PORT to serve")(
      "redis", po::value<std::string>()->default_value(d.redis),
      "Redis URL redis://[[user]:password@]host[:port][/db], or through Sentinels "
      "redis+sentinel://[password@]host:port,host:port,.../MASTER[?db=N] (follows failovers), or "
      "a Redis Cluster redis+cluster://[password@]host:port,host:port,... (some of its "
      "primaries; each event's commands go to the primary owning its slot)")(
      "redis-wait-replicas", po::value<int>()->default_value(d.redis_wait_replicas),
      "acknowledge a scan or join only once this many replicas have it (Redis WAIT): nothing "
      "acknowledged is lost when a replica takes over")(
      "redis-wait-timeout-ms", po::value<unsigned>()->default_value(count_of(d.redis_wait_timeout)),
      "how long to wait for those replicas before answering `unavailable` (the desk resends)")(
      "tick-ms", po::value<unsigned>()->default_value(count_of(d.tick)),
      "push display updates at most this often (milliseconds)")(
      "venue-fold-ms", po::value<unsigned>()->default_value(count_of(d.venue_fold)),
      "fold the member events' new log entries into each venue's figures this often "
      "(milliseconds): how far a venue's totals lag its events'")(
      "threads", po::value<unsigned>()->default_value(d.threads), "I/O threads")(
      "web-root", po::value<std::string>()->default_value(d.web_root),
      "folder of the static pages")("max-frame",
                                    po::value<std::size_t>()->default_value(l.max_frame),
                                    "largest WebSocket message accepted (bytes)")(
      "lease-ms", po::value<unsigned>()->default_value(count_of(d.lease)),
      "online presence lease: a killed gateway's participants leave \"online now\" within this")(
      "beacon-timeout", po::value<unsigned>()->default_value(count_of(l.beacon_idle_timeout)),
      "seconds of silence after which a presence beacon counts as gone")(
      "time-margin", po::value<unsigned>()->default_value(count_of(d.time_margin)),
      "hours before an event's first day and after its last in which a client's clock (a desk's "
      "device_time, a join or leave time) is still believed; other times are ignored, the "
      "server's time counts and the item is flagged")(
      "durability", po::value<std::string>()->default_value(d.durability_name),
      "refuse to run on a Redis that keeps less: none|everysec|always (AOF fsync policy)")(
      "max-connections", po::value<std::size_t>()->default_value(l.max_connections),
      "connections held at once; more are answered 503")(
      "max-connections-per-address",
      po::value<std::size_t>()->default_value(l.max_connections_per_address),
      "connections held at once from one source address")(
      "messages-per-second", po::value<double>()->default_value(l.messages_per_second),
      "messages a desk or display may send per second (bursts of ten seconds' worth, so a kiosk "
      "replays its offline queue at once); more: closed with 1008")(
      "bridge-items-per-second", po::value<double>()->default_value(l.bridge_items_per_second),
      "joins and leaves a platform bridge may send per second")(
      "max-desks", po::value<std::size_t>()->default_value(d.max_desks),
      "desks an event tracks in its totals (each desk is a desk token); the scans of desks "
      "beyond count but their desk is not shown")(
      "slow-consumer-timeout",
      po::value<unsigned>()->default_value(count_of(l.slow_consumer_timeout)),
      "seconds a display may take to accept one frame before it is disconnected")(
      "idle-timeout", po::value<unsigned>()->default_value(count_of(l.idle_timeout)),
      "seconds without any frame or pong after which a WebSocket is closed")(
      "tls-cert", po::value<std::string>(),
      "PEM certificate chain: with --tls-key, every endpoint is served over TLS (https, wss)")(
      "tls-key", po::value<std::string>(), "PEM private key of --tls-cert")(
      "badge-signing-key", po::value<std::vector<std::string>>()->value_name("FILE"),
      "rollcall-admin's secret badge key file of an event (repeatable, one per event): walk-ins, "
      "replacement badges and printed badges of signed events get their codes here")(
      "tls-handshake-timeout",
      po::value<unsigned>()->default_value(count_of(l.tls_handshake_timeout)),
      "seconds a client has from connecting to the end of its TLS handshake")(
      "log-format", po::value<std::string>()->default_value(d.log_format),
      "text, or json: one JSON object per line (time, level, message)");
  return options;
}

// program_options reads "-1" as an unsigned by wrapping it (4294967295 ms of tick), and "nan" or
// "inf" as a rate: every unsigned and floating-point option, present or future, is checked here.
std::optional<std::string> out_of_range(const po::parsed_options& line,
                                        const po::options_description& all) {
  for (const auto& option : line.options) {
    const auto* description = all.find_nothrow(option.string_key, false);
    if (description == nullptr) continue;
    const auto* semantic = description->semantic().get();
    const bool whole = dynamic_cast<const po::typed_value<unsigned>*>(semantic) != nullptr ||
                       dynamic_cast<const po::typed_value<std::size_t>*>(semantic) != nullptr;
    const bool real = dynamic_cast<const po::typed_value<double>*>(semantic) != nullptr;
    if (!whole && !real) continue;
    for (const auto& value : option.value) {
      const auto first = value.find_first_not_of(" \t");
      const bool negative = first != std::string::npos && value[first] == '-';
      bool finite = true;
      if (real && !negative) {
        char* end = nullptr;
        const double number = std::strtod(value.c_str(), &end);
        finite = std::isfinite(number);
      }
      if (negative || !finite) {
        return "--" + option.string_key + " wants " +
               (whole ? "a whole number of 0 or more" : "a finite number of 0 or more");
      }
    }
  }
  return std::nullopt;
}

ParsedOptions refuse(std::string error) {
  ParsedOptions parsed;
  parsed.action = ParsedOptions::Action::refuse;
  parsed.error = "rollcall-gateway: " + std::move(error) + "\n";
  parsed.exit_code = 2;
  return parsed;
}

}  // namespace

unsigned GatewayOptions::default_threads() {
  return std::max(1u, std::thread::hardware_concurrency());
}

std::string GatewayOptions::default_web_root() {
  return ROLLCALL_WEB_ROOT;
}

ParsedOptions parse_options(int argc, const char* const argv[]) {
  const auto options = describe(GatewayOptions{});
  // Not in --help: for tests and audits, which enumerate every route the gateway serves.
  po::options_description hidden;
  hidden.add_options()("list-routes", "print the route catalogue and exit");
  po::options_description all;
  all.add(options).add(hidden);
  po::variables_map args;
  try {
    const auto line = po::parse_command_line(argc, argv, all);
    if (auto problem = out_of_range(line, all)) {
      std::ostringstream usage;
      usage << options;
      auto parsed = refuse(*problem);
      parsed.error += usage.str();
      return parsed;
    }
    po::store(line, args);
    po::notify(args);
  } catch (const std::exception& e) {
    std::ostringstream usage;
    usage << options;
    auto parsed = refuse(e.what());
    parsed.error += usage.str();
    return parsed;
  }
  ParsedOptions parsed;
  if (args.count("help")) {
    std::ostringstream usage;
    usage << "Usage: rollcall-gateway [options]\n" << options;
    parsed.action = ParsedOptions::Action::help;
    parsed.out = usage.str();
    return parsed;
  }
  if (args.count("list-routes")) {
    parsed.action = ParsedOptions::Action::list_routes;
    return parsed;
  }

  auto& o = parsed.options;
  o.listen = args["listen"].as<std::string>();
  const auto endpoint = parse_listen(o.listen);
  if (!endpoint) return refuse("--listen wants HOST:PORT");
  o.endpoint = *endpoint;
  o.redis = args["redis"].as<std::string>();
  std::string url_error;
  auto url = redis::Url::parse(o.redis, &url_error);
  if (!url) return refuse("--redis: " + url_error);
  o.redis_url = std::move(*url);
  o.durability_name = args["durability"].as<std::string>();
  const auto durability = services::store::parse_durability(o.durability_name);
  if (!durability) return refuse("--durability wants none, everysec or always");
  o.durability = *durability;
  o.log_format = args["log-format"].as<std::string>();
  if (o.log_format != "json" && o.log_format != "text") {
    return refuse("--log-format wants text or json");
  }
  if (args.count("tls-cert") != args.count("tls-key")) {
    return refuse("--tls-cert and --tls-key go together");
  }
  if (args.count("tls-cert")) {
    o.tls_cert = args["tls-cert"].as<std::string>();
    o.tls_key = args["tls-key"].as<std::string>();
  }
  if (args.count("badge-signing-key")) {
    o.badge_signing_keys = args["badge-signing-key"].as<std::vector<std::string>>();
  }

  o.redis_wait_replicas = std::max(0, args["redis-wait-replicas"].as<int>());
  o.redis_wait_timeout = std::chrono::milliseconds(args["redis-wait-timeout-ms"].as<unsigned>());
  o.tick = std::chrono::milliseconds(std::max(1u, args["tick-ms"].as<unsigned>()));
  o.venue_fold = std::chrono::milliseconds(std::max(1u, args["venue-fold-ms"].as<unsigned>()));
  o.threads = std::max(1u, args["threads"].as<unsigned>());
  o.web_root = args["web-root"].as<std::string>();
  o.lease = std::chrono::milliseconds(args["lease-ms"].as<unsigned>());
  o.time_margin = std::chrono::hours(args["time-margin"].as<unsigned>());
  o.max_desks = args["max-desks"].as<std::size_t>();

  auto& l = o.limits;
  l.max_frame = args["max-frame"].as<std::size_t>();
  l.max_connections = args["max-connections"].as<std::size_t>();
  l.max_connections_per_address = args["max-connections-per-address"].as<std::size_t>();
  l.messages_per_second = args["messages-per-second"].as<double>();
  l.bridge_items_per_second = args["bridge-items-per-second"].as<double>();
  l.slow_consumer_timeout = std::chrono::seconds(args["slow-consumer-timeout"].as<unsigned>());
  l.idle_timeout = std::chrono::seconds(args["idle-timeout"].as<unsigned>());
  l.tls_handshake_timeout =
      std::chrono::seconds(std::max(1u, args["tls-handshake-timeout"].as<unsigned>()));
  l.beacon_idle_timeout = std::chrono::seconds(args["beacon-timeout"].as<unsigned>());

  parsed.action = ParsedOptions::Action::run;
  return parsed;
}

}  // namespace rollcall::gateway
