#include "gateway/gateway.h"

#include <random>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "gateway/asio_tokens.h"
#include "gateway/day_reset.h"
#include "gateway/durability_check.h"
#include "gateway/io_pool.h"
#include "gateway/presence_batcher.h"
#include "gateway/presence_leases.h"
#include "gateway/server/context.h"
#include "gateway/server/listener.h"
#include "gateway/server/static_path.h"
#include "gateway/server/tls_context.h"
#include "gateway/venue_folder.h"
#include "redis/cluster_commands.h"
#include "services/registry/utf8.h"
#include "services/store/function_library.h"

namespace rollcall::gateway {
namespace {

namespace asio = boost::asio;

std::string random_id() {
  std::random_device entropy;
  std::uniform_int_distribution<int> hex_digit(0, 15);
  std::string id;
  for (int i = 0; i < 12; ++i) id.push_back("0123456789abcdef"[hex_digit(entropy)]);
  return id;
}

}  // namespace

struct Gateway::Parts {
  explicit Parts(const GatewayOptions& options)
      : options(options), pool(options.threads), acceptor(pool.shared()) {}

  GatewayOptions options;
  IoPool pool;
  std::shared_ptr<server::Context> context = std::make_shared<server::Context>();
  std::shared_ptr<redis::Link> link;                // the commands' link (context->commands)
  std::shared_ptr<redis::ClusterCommands> cluster;  // the same link, with a cluster URL
  asio::ip::tcp::acceptor acceptor;
  int exit_code = 0;
};

Gateway::Gateway(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
Gateway::~Gateway() = default;

std::unique_ptr<Gateway> Gateway::compose(const GatewayOptions& options, std::string* error) {
  auto parts = std::make_unique<Parts>(options);
  auto& io = parts->pool.shared();
  auto& context = parts->context;
  context->limits = options.limits;
  context->metrics = std::make_shared<Metrics>();
  context->connection_limits = std::make_shared<server::ConnectionLimits>(
      context->limits.max_connections, context->limits.max_connections_per_address);
  // Resolved once: every file served is checked against this canonical path.
  if (auto root = server::canonical_web_root(options.web_root)) {
    context->web_root = std::move(*root);
  } else {
    spdlog::warn("web root {} is missing or not a directory: no static files are served",
                 options.web_root);
  }
  if (options.tls_cert) {
    try {
      context->tls = server::make_server_tls_context(*options.tls_cert, *options.tls_key);
    } catch (const std::exception& e) {
      *error = e.what();
      return nullptr;
    }
  }

  {
    auto keys = services::badges::SigningKeys::load(options.badge_signing_keys, error);
    if (!keys) return nullptr;
    context->signing_keys = std::make_shared<const services::badges::SigningKeys>(std::move(*keys));
  }

  redis::Connection::Options command_options{.url = options.redis_url};
  command_options.wait_replicas = options.redis_wait_replicas;
  command_options.wait_timeout = options.redis_wait_timeout;
  command_options.setup.push_back(services::store::function_load());
  // A cluster: one link per primary, each command to its slot's owner. Displays subscribe on
  // any node (the URL's in turn): a PUBLISH on any node of a cluster reaches every node's
  // subscribers.
  if (options.redis_url.cluster()) {
    auto cluster = redis::ClusterCommands::create(io.get_executor(), command_options);
    context->metrics->watch_cluster([cluster] {
      return Metrics::ClusterCounts{.redirects = cluster->redirects(),
                                    .waits = cluster->waits(),
                                    .refused = cluster->refused()};
    });
    parts->cluster = cluster;
    parts->link = std::move(cluster);
  } else {
    parts->link = redis::Connection::create(asio::make_strand(io), command_options);
  }
  context->commands = parts->link;
  context->subscriber =
      redis::Connection::create(asio::make_strand(io), {.url = options.redis_url});
  context->hub = std::make_shared<TotalsHub>(asio::make_strand(io), context->commands,
                                             context->subscriber, options.tick, context->metrics);
  context->events =
      std::make_shared<EventDirectory>(context->commands, options.time_margin, context->metrics);
  context->tokens = std::make_shared<TokenDirectory>(context->commands, context->metrics);
  context->token_watch = std::make_shared<TokenWatch>(context->tokens);
  context->scans =
      std::make_shared<ScanHandler>(context->commands, context->metrics, options.max_desks);
  try {
    context->countries = std::make_shared<const services::registry::CountryCodes>(
        services::registry::CountryCodes::load());
  } catch (const std::exception& e) {
    *error = e.what();
    return nullptr;
  }
  // A fresh id per process: a restarted gateway's old lease lapses and is folded away.
  context->leases = std::make_shared<PresenceLeases>(context->commands, context->events,
                                                     random_id(), options.lease);
  context->beacons = std::make_shared<PresenceBatcher>(asio::make_strand(io), context->commands,
                                                       context->metrics, context->leases);

  auto& acceptor = parts->acceptor;
  try {
    acceptor.open(options.endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(options.endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
  } catch (const std::exception& e) {
    *error = "cannot listen on " + options.listen + ": " + e.what();
    return nullptr;
  }
  return std::unique_ptr<Gateway>(new Gateway(std::move(parts)));
}

int Gateway::run() {
  auto& pool = parts_->pool;
  auto& io = pool.shared();
  auto& context = parts_->context;
  auto& link = parts_->link;
  auto& acceptor = parts_->acceptor;
  auto& exit_code = parts_->exit_code;
  const auto& options = parts_->options;
  const auto durability = options.durability;

  // Checked on every (re)connect: after a failover the new primary must keep promises too.
  link->on_state_change([&](bool ready, const std::string& cause) {
    if (ready) {
      spdlog::info("redis ready, functions loaded");
      context->hub->reload_all();
      // A cluster's every primary holds events: each must keep its promises.
      auto targets = parts_->cluster ? parts_->cluster->primaries()
                                     : std::vector<DurabilityTarget>{{"", context->commands}};
      asio::co_spawn(io, durability_problem(std::move(targets), durability),
                     [&](std::exception_ptr failure, std::optional<std::string> problem) {
                       // A check that threw proved nothing: IoPool::run stops the gateway.
                       if (failure) std::rethrow_exception(failure);
                       if (!problem) {
                         context->durability_verified->store(true);
                         return;
                       }
                       spdlog::critical("refusing to serve: {}", *problem);
                       exit_code = 1;
                       pool.stop();
                     });
    } else {
      spdlog::warn("redis connection lost ({}); scans answer `unavailable` until it is back",
                   cause);
    }
  });
  link->on_replicas([&](bool enough, const std::string& detail) {
    context->metrics->note_replicas(enough);
    if (enough) {
      spdlog::info("redis replicas acknowledge again ({}); scans are accepted again", detail);
    } else {
      spdlog::warn(
          "redis replicas short ({}): scans and other writes answer `unavailable` at "
          "once until a WAIT, sent every second, finds them back",
          detail);
    }
  });
  context->hub->start();
  link->start();
  context->subscriber->start();
  asio::co_spawn(io, server::listen(acceptor, pool, context), rethrow_to_pool);
  asio::co_spawn(asio::make_strand(io),
                 run_day_resets(context->commands, context->events, std::chrono::seconds(30)),
                 rethrow_to_pool);
  asio::co_spawn(asio::make_strand(io), context->leases->run(), rethrow_to_pool);
  asio::co_spawn(asio::make_strand(io), context->token_watch->run(), rethrow_to_pool);
  asio::co_spawn(asio::make_strand(io),
                 run_venue_folds(context->commands, context->metrics, options.venue_fold),
                 rethrow_to_pool);

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
          co_await (context->leases->surrender() || limit.async_wait(use_tuple));
        },
        [&](std::exception_ptr failure, auto...) {
          if (failure) {  // the leases were not handed back: they lapse instead
            exit_code = kHandlerFailedExit;
            spdlog::error("handing back the online presence failed; it lapses with the lease");
          }
          context->hub->stop();
          link->stop();
          context->subscriber->stop();
          pool.stop();
        });
  });

  spdlog::info("rollcall-gateway listening on {} ({}, redis {}, tick {} ms, {} threads)",
               options.listen, context->tls ? "TLS" : "plain, no TLS", options.redis_url.where(),
               options.tick.count(), options.threads);
  // Nothing more ran after a handler threw (IoPool::run): the supervisor restarts the gateway,
  // whose presence leases then lapse and are folded away, and the clients reconnect.
  const auto handler_failed = [](std::string_view what) {
    spdlog::critical("a handler failed ({}): the gateway stops, for its supervisor to restart it",
                     services::registry::quote_for_log(what, 200));
    return kHandlerFailedExit;
  };
  try {
    pool.run();
  } catch (const std::exception& e) {
    return handler_failed(e.what());
  } catch (...) {
    return handler_failed("not a std::exception");
  }
  return exit_code;
}

}  // namespace rollcall::gateway
