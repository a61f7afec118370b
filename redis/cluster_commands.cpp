#include "redis/cluster_commands.h"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>

namespace rollcall::redis {

namespace asio = boost::asio;

// A command on its way: where it goes, and how often it was redirected or made to wait.
struct ClusterCommands::Call {
  Command command;
  Route route;
  Handler handler;
  int redirects = 0;
  int waits = 0;
  std::unique_ptr<asio::steady_timer> timer;  // while waiting for a moving slot
};

std::shared_ptr<ClusterCommands> ClusterCommands::create(asio::any_io_executor executor,
                                                         LinkOptions options) {
  return std::shared_ptr<ClusterCommands>(
      new ClusterCommands(std::move(executor), std::move(options)));
}

ClusterCommands::ClusterCommands(asio::any_io_executor executor, LinkOptions options)
    : strand_(asio::make_strand(executor)), options_(std::move(options)), refresh_timer_(strand_) {}

ClusterCommands::~ClusterCommands() {
  for (auto& [address, connection] : nodes_) connection->stop();
}

void ClusterCommands::start() {
  asio::post(strand_, [self = shared_from_this()] {
    for (const auto& seed : self->options_.url.nodes) {
      self->node(seed.text());
    }
    if (self->nodes_.empty()) self->set_last_error("no cluster node to ask for the slot map");
  });
}

void ClusterCommands::stop() {
  asio::post(strand_, [self = shared_from_this()] {
    self->stopped_ = true;
    self->refresh_timer_.cancel();
    for (auto& [address, connection] : self->nodes_) connection->stop();
    self->state_callback_ = nullptr;
    self->replicas_callback_ = nullptr;
  });
}

bool ClusterCommands::ready() const {
  return ready_.load();
}

std::string ClusterCommands::last_error() const {
  std::lock_guard lock(error_mutex_);
  return last_error_;
}

std::vector<ClusterCommands::Primary> ClusterCommands::primaries() const {
  std::lock_guard lock(primaries_mutex_);
  return primaries_;
}

void ClusterCommands::set_last_error(const std::string& text) {
  std::lock_guard lock(error_mutex_);
  last_error_ = text;
}

void ClusterCommands::on_state_change(
    std::function<void(bool ready, const std::string& cause)> callback) {
  asio::post(strand_, [self = shared_from_this(), callback = std::move(callback)]() mutable {
    self->state_callback_ = std::move(callback);
  });
}

void ClusterCommands::on_replicas(
    std::function<void(bool enough, const std::string& detail)> callback) {
  asio::post(strand_, [self = shared_from_this(), callback = std::move(callback)]() mutable {
    self->replicas_callback_ = std::move(callback);
  });
}

std::shared_ptr<Connection> ClusterCommands::node(const std::string& address) {
  if (auto it = nodes_.find(address); it != nodes_.end()) return it->second;
  LinkOptions options = options_;
  auto endpoint = Url::Endpoint::of_text(address);
  options.url.host = std::move(endpoint.host);
  options.url.port = endpoint.port;
  options.url.nodes.clear();  // this link is one node's
  auto connection = Connection::create(strand_.get_inner_executor(), std::move(options));
  std::weak_ptr<ClusterCommands> weak = weak_from_this();
  connection->on_state_change([weak, address](bool ready, const std::string& cause) {
    auto self = weak.lock();
    if (!self) return;
    asio::post(self->strand_, [self, address, ready, cause] {
      if (self->stopped_) return;
      if (!ready) self->set_last_error(address + ": " + cause);
      if (ready && !self->map_known_) self->refresh();
      self->update_state(ready ? "" : address + ": " + cause);
    });
  });
  connection->on_replicas([weak](bool enough, const std::string& detail) {
    auto self = weak.lock();
    if (!self) return;
    asio::post(self->strand_, [self, enough, detail] {
      if (!self->replicas_callback_) return;
      auto callback = self->replicas_callback_;  // it may replace itself
      callback(enough, detail);
    });
  });
  nodes_.emplace(address, connection);
  if (!stopped_) connection->start();
  return connection;
}

void ClusterCommands::update_state(const std::string& cause) {
  bool ready = map_known_ && map_.unowned() == 0;
  for (const auto& address : map_.nodes()) {
    auto it = nodes_.find(address);
    if (ready && (it == nodes_.end() || !it->second->ready())) ready = false;
  }
  ready_ = ready;
  // Until every slot's primary answers, the map is read again, traffic or not: a dead primary
  // leaves the map once a replica takes its slots over.
  if (!ready && map_known_) refresh_later(std::chrono::milliseconds(500));
  if (ready == notified_ready_) return;
  notified_ready_ = ready;
  if (ready) set_last_error("");
  if (state_callback_) {
    auto callback = state_callback_;  // it may replace itself
    callback(ready, ready ? "" : (cause.empty() ? last_error() : cause));
  }
}

void ClusterCommands::refresh() {
  if (refreshing_ || stopped_) return;
  // Any node that is up knows the whole map.
  for (auto& [address, connection] : nodes_) {
    if (!connection->ready()) continue;
    refreshing_ = true;
    connection->async_exec(
        Command{"CLUSTER", "SLOTS"},
        asio::bind_executor(strand_, [self = shared_from_this(), address = address](
                                         boost::system::error_code ec, Reply reply) {
          self->slots_answered(address, ec, std::move(reply));
        }));
    return;
  }
  refresh_later(std::chrono::milliseconds(200));
}

void ClusterCommands::refresh_later(std::chrono::milliseconds delay) {
  // Armed once: re-arming on every failed command would put the refresh off for as long as
  // commands fail faster than `delay`, which is exactly while a primary is down.
  if (refresh_armed_ || stopped_) return;
  refresh_armed_ = true;
  refresh_timer_.expires_after(delay);
  refresh_timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    auto self = weak.lock();
    if (!self) return;
    self->refresh_armed_ = false;
    if (!ec) self->refresh();
  });
}

void ClusterCommands::slots_answered(const std::string& address, boost::system::error_code ec,
                                     Reply reply) {
  refreshing_ = false;
  if (stopped_) return;
  std::string error;
  std::optional<SlotMap> map;
  if (!ec) map = SlotMap::parse(reply, Url::Endpoint::of_text(address).host, &error);
  if (!map) {
    set_last_error(address + ": " + (ec ? ec.message() : error));
    refresh_later(std::chrono::milliseconds(200));
    return;
  }
  map_ = std::move(*map);
  map_known_ = true;
  if (map_.unowned() > 0) {
    set_last_error(std::to_string(map_.unowned()) + " hash slots have no primary");
    refresh_later(std::chrono::milliseconds(500));
  }
  std::vector<Primary> primaries;
  for (const auto& node_address : map_.nodes())
    primaries.emplace_back(node_address, node(node_address));
  {
    std::lock_guard lock(primaries_mutex_);
    primaries_ = std::move(primaries);
  }
  update_state(last_error());
}

void ClusterCommands::exec(Command command, Handler handler) {
  auto call = std::make_shared<Call>();
  call->route = route_of(command);
  call->command = std::move(command);
  call->handler = std::move(handler);
  asio::post(strand_, [self = shared_from_this(), call]() mutable {
    if (call->route.kind == Route::Kind::refused) {
      ++self->refused_;
      Reply refusal{.type = Reply::Type::error,
                    .str = "ERR rollcall cluster: " + call->route.refusal};
      call->handler({}, std::move(refusal));
      return;
    }
    self->send(std::move(call));
  });
}

void ClusterCommands::send(std::shared_ptr<Call> call) {
  std::string address;
  if (call->route.kind == Route::Kind::slot) {
    address = map_.owner(call->route.slot);
  } else {
    for (const auto& candidate : map_.nodes()) {
      auto it = nodes_.find(candidate);
      if (it != nodes_.end() && it->second->ready()) {
        address = candidate;
        break;
      }
    }
  }
  if (address.empty()) {
    call->handler(error::unavailable, Reply{});
    return;
  }
  send_to(address, std::move(call), false);
}

void ClusterCommands::send_to(const std::string& address, std::shared_ptr<Call> call, bool asking) {
  auto connection = node(address);
  // Both go out on the node's strand in this order, and only this strand sends to it, so
  // ASKING is the command's own (a health PING between them costs one more ASK).
  if (asking) connection->exec(Command{"ASKING"}, [](boost::system::error_code, Reply) {});
  auto command = call->command;
  connection->async_exec(
      std::move(command),
      asio::bind_executor(strand_, [self = shared_from_this(), call, address](
                                       boost::system::error_code ec, Reply reply) {
        self->answered(call, address, ec, std::move(reply));
      }));
}

void ClusterCommands::answered(std::shared_ptr<Call> call, const std::string& address,
                               boost::system::error_code ec, Reply reply) {
  if (ec) {
    // The node is unreachable: the map may have changed (a failover); the caller decides
    // whether to send again (the command may have run).
    if (!refreshing_ && !stopped_) refresh_later(std::chrono::milliseconds(100));
    call->handler(ec, std::move(reply));
    return;
  }
  auto step = next_step(reply, call->route, call->redirects, call->waits);
  const auto target = [&] {
    auto host =
        step.redirect.host.empty() ? Url::Endpoint::of_text(address).host : step.redirect.host;
    return Url::Endpoint{std::move(host), step.redirect.port}.text();
  };
  switch (step.kind) {
    case Step::Kind::deliver:
      call->handler({}, std::move(reply));
      return;
    case Step::Kind::give_up:
      set_last_error(address + " still redirects: " + reply.str);
      call->handler(error::unavailable, Reply{});
      return;
    case Step::Kind::resend: {
      ++call->redirects;
      ++redirects_;
      const auto destination = target();
      map_.assign(step.redirect.slot, destination);
      refresh();  // the rest of the map has likely changed too
      send_to(destination, std::move(call), false);
      return;
    }
    case Step::Kind::ask:
      ++call->redirects;
      ++redirects_;
      send_to(target(), std::move(call), true);
      return;
    case Step::Kind::wait:
      ++call->waits;
      ++waits_;
      call->timer = std::make_unique<asio::steady_timer>(strand_, step.delay);
      call->timer->async_wait(
          [self = shared_from_this(), call](boost::system::error_code) { self->send(call); });
      return;
  }
}

}  // namespace rollcall::redis
