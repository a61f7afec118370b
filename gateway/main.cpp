// rollcall-gateway: the transport in front of Redis. Desks, platforms and displays connect
// here; all state lives in Redis, so gateways can be restarted or added at will.
#include <cstdlib>
#include <iostream>
#include <random>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/program_options.hpp>

#include "gateway/day_reset.h"
#include "gateway/durability_check.h"
#include "gateway/presence_leases.h"
#include "gateway/server/json_log_format.h"
#include "gateway/server/listener.h"
#include "gateway/server/routes.h"
#include "gateway/server/static_path.h"
#include "gateway/server/tls_context.h"
#include "gateway/venue_folder.h"
#include "services/store/function_library.h"

namespace {

namespace asio = boost::asio;
namespace po = boost::program_options;
using namespace rollcall::gateway;
namespace redis = rollcall::redis;

int fail(const std::string& reason) {
  std::cerr << "rollcall-gateway: " << reason << "\n";
  return 1;
}

std::string random_id() {
  std::random_device entropy;
  std::uniform_int_distribution<int> hex_digit(0, 15);
  std::string id;
  for (int i = 0; i < 12; ++i) id.push_back("0123456789abcdef"[hex_digit(entropy)]);
  return id;
}

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

}  // namespace

int main(int argc, char** argv) {
  po::options_description options("rollcall-gateway options");
  options.add_options()("help,h", "show this help and exit")(
      "listen", po::value<std::string>()->default_value("127.0.0.1:8080"), "HOST:PORT to serve")(
      "redis", po::value<std::string>()->default_value("redis://127.0.0.1:6379"),
      "Redis URL redis://[[user]:password@]host[:port][/db], or through Sentinels "
      "redis+sentinel://[password@]host:port,host:port,.../MASTER[?db=N] (follows failovers)")(
      "redis-wait-replicas", po::value<int>()->default_value(0),
      "acknowledge a scan or join only once this many replicas have it (Redis WAIT): nothing "
      "acknowledged is lost when a replica takes over")(
      "redis-wait-timeout-ms", po::value<unsigned>()->default_value(1000),
      "how long to wait for those replicas before answering `unavailable` (the desk resends)")(
      "tick-ms", po::value<unsigned>()->default_value(100),
      "push display updates at most this often (milliseconds)")(
      "venue-fold-ms", po::value<unsigned>()->default_value(200),
      "fold the member events' new log entries into each venue's figures this often "
      "(milliseconds): how far a venue's totals lag its events'")(
      "threads",
      po::value<unsigned>()->default_value(std::max(1u, std::thread::hardware_concurrency())),
      "I/O threads")("web-root", po::value<std::string>()->default_value(ROLLCALL_WEB_ROOT),
                     "folder of the static pages")(
      "max-frame", po::value<std::size_t>()->default_value(64 * 1024),
      "largest WebSocket message accepted (bytes)")(
      "lease-ms", po::value<unsigned>()->default_value(15000),
      "online presence lease: a killed gateway's participants leave \"online now\" within this")(
      "beacon-timeout", po::value<unsigned>()->default_value(30),
      "seconds of silence after which a presence beacon counts as gone")(
      "time-margin", po::value<unsigned>()->default_value(24),
      "hours before an event's first day and after its last in which a client's clock (a desk's "
      "device_time, a join or leave time) is still believed; other times are ignored, the "
      "server's time counts and the item is flagged")(
      "durability", po::value<std::string>()->default_value("everysec"),
      "refuse to run on a Redis that keeps less: none|everysec|always (AOF fsync policy)")(
      "max-connections", po::value<std::size_t>()->default_value(19000),
      "connections held at once; more are answered 503")(
      "max-connections-per-address", po::value<std::size_t>()->default_value(20000),
      "connections held at once from one source address")(
      "messages-per-second", po::value<double>()->default_value(100),
      "messages a desk or display may send per second (bursts of ten seconds' worth, so a kiosk "
      "replays its offline queue at once); more: closed with 1008")(
      "bridge-items-per-second", po::value<double>()->default_value(5000),
      "joins and leaves a platform bridge may send per second")(
      "max-desks", po::value<std::size_t>()->default_value(ScanHandler::kDefaultMaxDesks),
      "desks an event tracks in its totals (each desk is a desk token); the scans of desks "
      "beyond count but their desk is not shown")(
      "slow-consumer-timeout", po::value<unsigned>()->default_value(10),
      "seconds a display may take to accept one frame before it is disconnected")(
      "idle-timeout", po::value<unsigned>()->default_value(300),
      "seconds without any frame or pong after which a WebSocket is closed")(
      "tls-cert", po::value<std::string>(),
      "PEM certificate chain: with --tls-key, every endpoint is served over TLS (https, wss)")(
      "tls-key", po::value<std::string>(), "PEM private key of --tls-cert")(
      "badge-signing-key", po::value<std::vector<std::string>>()->value_name("FILE"),
      "rollcall-admin's secret badge key file of an event (repeatable, one per event): walk-ins, "
      "replacement badges and printed badges of signed events get their codes here")(
      "tls-handshake-timeout", po::value<unsigned>()->default_value(10),
      "seconds a client has from connecting to the end of its TLS handshake")(
      "log-format", po::value<std::string>()->default_value("text"),
      "text, or json: one JSON object per line (time, level, message)");
  // Not in --help: for tests and audits, which enumerate every route the gateway serves.
  po::options_description hidden;
  hidden.add_options()("list-routes", "print the route catalogue and exit");
  po::options_description all;
  all.add(options).add(hidden);
  po::variables_map args;
  try {
    po::store(po::parse_command_line(argc, argv, all), args);
    po::notify(args);
  } catch (const std::exception& e) {
    std::cerr << "rollcall-gateway: " << e.what() << "\n" << options;
    return 2;
  }
  if (args.count("help")) {
    std::cout << "Usage: rollcall-gateway [options]\n" << options;
    return 0;
  }
  if (args.count("list-routes")) {
    std::cout << server::list_routes();
    return 0;
  }
  const auto endpoint = parse_listen(args["listen"].as<std::string>());
  if (!endpoint) {
    std::cerr << "rollcall-gateway: --listen wants HOST:PORT\n";
    return 2;
  }
  std::string url_error;
  const auto url = redis::Url::parse(args["redis"].as<std::string>(), &url_error);
  if (!url) {
    std::cerr << "rollcall-gateway: --redis: " << url_error << "\n";
    return 2;
  }
  const auto durability =
      rollcall::services::store::parse_durability(args["durability"].as<std::string>());
  if (!durability) {
    std::cerr << "rollcall-gateway: --durability wants none, everysec or always\n";
    return 2;
  }
  const auto log_format = args["log-format"].as<std::string>();
  if (log_format == "json") {
    spdlog::set_formatter(server::make_json_log_formatter());
  } else if (log_format != "text") {
    std::cerr << "rollcall-gateway: --log-format wants text or json\n";
    return 2;
  }
  if (args.count("tls-cert") != args.count("tls-key")) {
    std::cerr << "rollcall-gateway: --tls-cert and --tls-key go together\n";
    return 2;
  }
  const auto tick = std::chrono::milliseconds(std::max(1u, args["tick-ms"].as<unsigned>()));
  const auto threads = std::max(1u, args["threads"].as<unsigned>());

  asio::io_context io(static_cast<int>(threads));
  auto context = std::make_shared<server::Context>();
  context->limits.max_frame = args["max-frame"].as<std::size_t>();
  context->limits.max_connections = args["max-connections"].as<std::size_t>();
  context->limits.max_connections_per_address =
      args["max-connections-per-address"].as<std::size_t>();
  context->limits.messages_per_second = args["messages-per-second"].as<double>();
  context->limits.bridge_items_per_second = args["bridge-items-per-second"].as<double>();
  context->limits.slow_consumer_timeout =
      std::chrono::seconds(args["slow-consumer-timeout"].as<unsigned>());
  context->limits.idle_timeout = std::chrono::seconds(args["idle-timeout"].as<unsigned>());
  context->metrics = std::make_shared<Metrics>();
  context->connection_limits = std::make_shared<server::ConnectionLimits>(
      context->limits.max_connections, context->limits.max_connections_per_address);
  // Resolved once: every file served is checked against this canonical path.
  if (auto root = server::canonical_web_root(args["web-root"].as<std::string>())) {
    context->web_root = std::move(*root);
  } else {
    spdlog::warn("web root {} is missing or not a directory: no static files are served",
                 args["web-root"].as<std::string>());
  }
  context->limits.tls_handshake_timeout =
      std::chrono::seconds(std::max(1u, args["tls-handshake-timeout"].as<unsigned>()));
  if (args.count("tls-cert")) {
    try {
      context->tls = server::make_server_tls_context(args["tls-cert"].as<std::string>(),
                                                     args["tls-key"].as<std::string>());
    } catch (const std::exception& e) {
      return fail(e.what());
    }
  }

  {
    std::string error;
    auto keys = rollcall::services::badges::SigningKeys::load(
        args.count("badge-signing-key") ? args["badge-signing-key"].as<std::vector<std::string>>()
                                        : std::vector<std::string>{},
        &error);
    if (!keys) return fail(error);
    context->signing_keys =
        std::make_shared<const rollcall::services::badges::SigningKeys>(std::move(*keys));
  }

  redis::Connection::Options command_options{.url = *url};
  command_options.wait_replicas = std::max(0, args["redis-wait-replicas"].as<int>());
  command_options.wait_timeout =
      std::chrono::milliseconds(args["redis-wait-timeout-ms"].as<unsigned>());
  command_options.setup.push_back(
      {"FUNCTION", "LOAD", "REPLACE", std::string(rollcall::services::store::function_library())});
  auto link = redis::Connection::create(asio::make_strand(io), command_options);
  context->commands = link;
  context->subscriber = redis::Connection::create(asio::make_strand(io), {.url = *url});
  context->hub = std::make_shared<TotalsHub>(asio::make_strand(io), context->commands,
                                             context->subscriber, tick, context->metrics);
  context->events = std::make_shared<EventDirectory>(
      context->commands, std::chrono::hours(args["time-margin"].as<unsigned>()));
  context->tokens = std::make_shared<TokenDirectory>(context->commands);
  context->scans = std::make_shared<ScanHandler>(context->commands, context->metrics,
                                                 args["max-desks"].as<std::size_t>());
  try {
    context->countries = std::make_shared<const rollcall::services::registry::CountryCodes>(
        rollcall::services::registry::CountryCodes::load());
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  // A fresh id per process: a restarted gateway's old lease lapses and is folded away.
  const auto gateway_id = random_id();
  context->leases =
      std::make_shared<PresenceLeases>(context->commands, context->events, gateway_id,
                                       std::chrono::milliseconds(args["lease-ms"].as<unsigned>()));
  context->limits.beacon_idle_timeout = std::chrono::seconds(args["beacon-timeout"].as<unsigned>());

  asio::ip::tcp::acceptor acceptor(io);
  try {
    acceptor.open(endpoint->protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(*endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
  } catch (const std::exception& e) {
    return fail("cannot listen on " + args["listen"].as<std::string>() + ": " + e.what());
  }

  // Checked on every (re)connect: after a failover the new primary must keep promises too.
  int exit_code = 0;
  link->on_state_change([&](bool ready) {
    if (ready) {
      spdlog::info("redis ready, functions loaded");
      asio::co_spawn(io, durability_problem(*context->commands, *durability),
                     [&](std::exception_ptr, std::optional<std::string> problem) {
                       if (!problem) {
                         context->durability_verified->store(true);
                         return;
                       }
                       spdlog::critical("refusing to serve: {}", *problem);
                       exit_code = 1;
                       io.stop();
                     });
    } else {
      spdlog::warn("redis connection lost ({}); scans answer `unavailable` until it is back",
                   context->commands->last_error());
    }
  });
  context->hub->start();
  link->start();
  context->subscriber->start();
  asio::co_spawn(io, server::listen(acceptor, context), asio::detached);
  asio::co_spawn(asio::make_strand(io),
                 run_day_resets(context->commands, context->events, std::chrono::seconds(30)),
                 asio::detached);
  asio::co_spawn(asio::make_strand(io), context->leases->run(), asio::detached);
  asio::co_spawn(asio::make_strand(io),
                 run_venue_folds(
                     context->commands, context->metrics,
                     std::chrono::milliseconds(std::max(1u, args["venue-fold-ms"].as<unsigned>()))),
                 asio::detached);

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int signal) {
    spdlog::info("signal {}: shutting down", signal);
    boost::system::error_code ignored;
    acceptor.close(ignored);
    // Hand back this gateway's online presence first, so nobody it served stays "online".
    using namespace asio::experimental::awaitable_operators;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          asio::steady_timer limit(io, std::chrono::seconds(2));
          co_await (context->leases->surrender() ||
                    limit.async_wait(asio::as_tuple(asio::use_awaitable)));
        },
        [&](std::exception_ptr, auto...) {
          context->hub->stop();
          link->stop();
          context->subscriber->stop();
          io.stop();
        });
  });

  spdlog::info("rollcall-gateway listening on {} ({}, redis {}, tick {} ms, {} threads)",
               args["listen"].as<std::string>(), context->tls ? "TLS" : "plain, no TLS",
               url->where(), tick.count(), threads);
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& thread : pool) thread.join();
  return exit_code;
}
