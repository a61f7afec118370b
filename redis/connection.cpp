#include "redis/connection.h"

#include <algorithm>
#include <optional>
#include <string_view>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include "redis/asio_adapter.h"
#include "redis/hiredis_reply.h"

namespace rollcall::redis {

namespace {

// Subscribed to by every subscriber connection: re-SUBSCRIBE-ing it is the health check, since
// hiredis 0.14 cannot route a PING reply in subscribe mode. Nobody publishes to it.
const std::string health_channel = "__rollcall:health";

// Sends argv on the context; the arguments are binary-safe.
int send(redisAsyncContext* context, redisCallbackFn* fn, void* privdata,
         const std::vector<std::string>& args) {
  Argv argv(args);
  return redisAsyncCommandArgv(context, fn, privdata, argv.count(), argv.pointers.data(),
                               argv.lengths.data());
}

// A caller's command in flight. It holds no pointer to the Connection, so hiredis may flush it
// (NULL reply) even while the Connection is being destroyed. With WAIT, the reply is held here
// until the batch's WAIT answers.
struct UserPending {
  Connection::Handler handler;
  Strand strand;
  bool held = false;
  bool answered = false;
  boost::system::error_code ec;
  Reply reply;

  void deliver(boost::system::error_code code, Reply value) {
    // Posted: the caller's code must not run inside hiredis (it may send or stop).
    boost::asio::post(strand,
                      [handler = std::move(handler), code, value = std::move(value)]() mutable {
                        handler(code, std::move(value));
                      });
  }
};

struct InternalPending {
  enum class Kind { setup, role, health } kind;
  std::uint64_t generation;
  std::string name;  // command name for errors; never the arguments (AUTH carries the password)
  bool last = false;
};

bool starts_with(const redisReply* r, std::string_view prefix) {
  return r->type == REDIS_REPLY_ERROR && std::string_view(r->str, r->len).starts_with(prefix);
}

}  // namespace

// The commands sent since the last WAIT, answered when that WAIT is.
struct Connection::WaitBatch {
  std::vector<std::shared_ptr<UserPending>> commands;
  int replicas = 0;

  void complete(const redisReply* wait_reply) {
    const bool replicated = wait_reply != nullptr && wait_reply->type == REDIS_REPLY_INTEGER &&
                            wait_reply->integer >= replicas;
    for (auto& pending : commands) {
      boost::system::error_code ec = pending->answered ? pending->ec : error::unavailable;
      // Nothing to replicate when the command itself failed: its error reply goes as it is.
      if (!ec && !pending->reply.is_error() && !replicated) {
        ec = wait_reply == nullptr ? error::unavailable : error::not_replicated;
      }
      pending->deliver(ec, ec ? Reply{} : std::move(pending->reply));
    }
    commands.clear();
  }
};

std::shared_ptr<Connection> Connection::create(boost::asio::any_io_executor executor,
                                               Options options) {
  return std::shared_ptr<Connection>(new Connection(std::move(executor), std::move(options)));
}

Connection::Connection(boost::asio::any_io_executor executor, Options options)
    : strand_(boost::asio::make_strand(executor)),
      options_(std::move(options)),
      resolver_(strand_),
      connect_timer_(strand_),
      retry_timer_(strand_),
      health_timer_(strand_),
      backoff_(options_.backoff_initial) {}

Connection::~Connection() {
  // No strand handler can be running: each one holds a shared_ptr (or a locked weak_ptr) to us.
  // Pending commands are flushed by hiredis with NULL replies and complete as unavailable.
  cancel_lookup();
  if (context_ != nullptr) {
    redisAsyncContext* context = context_;
    context_ = nullptr;
    context->data = nullptr;
    redisAsyncFree(context);
  }
  fail_wait_batch();
}

void Connection::start() {
  boost::asio::post(strand_, [self = shared_from_this()] { self->do_start(); });
}

void Connection::stop() {
  boost::asio::post(strand_, [self = shared_from_this()] { self->do_stop(); });
}

bool Connection::ready() const {
  return ready_.load();
}

std::string Connection::last_error() const {
  std::lock_guard lock(error_mutex_);
  return last_error_;
}

void Connection::on_state_change(std::function<void(bool ready)> callback) {
  boost::asio::post(strand_, [self = shared_from_this(), callback = std::move(callback)]() mutable {
    self->state_callback_ = std::move(callback);
  });
}

void Connection::on_message(MessageHandler handler) {
  boost::asio::post(strand_, [self = shared_from_this(), handler = std::move(handler)]() mutable {
    self->message_handler_ = std::move(handler);
    self->enter_subscriber_mode();
  });
}

void Connection::subscribe(const std::string& channel) {
  boost::asio::post(strand_, [self = shared_from_this(), channel] { self->do_subscribe(channel); });
}

void Connection::unsubscribe(const std::string& channel) {
  boost::asio::post(strand_,
                    [self = shared_from_this(), channel] { self->do_unsubscribe(channel); });
}

void Connection::exec(std::vector<std::string> args, Handler handler) {
  // Always through the strand: the handler never runs inside the caller's exec() call.
  boost::asio::post(strand_, [self = shared_from_this(), args = std::move(args),
                              handler = std::move(handler)]() mutable {
    self->do_exec(std::move(args), std::move(handler));
  });
}

void Connection::do_exec(std::vector<std::string> args, Handler handler) {
  if (subscriber_) {
    handler(error::subscriber_mode, Reply{});
    return;
  }
  if (phase_ != Phase::ready || context_ == nullptr) {
    handler(error::unavailable, Reply{});
    return;
  }
  if (args.empty()) {
    handler(error::protocol, Reply{});
    return;
  }
  auto pending = std::make_shared<UserPending>(UserPending{
      .handler = std::move(handler), .strand = strand_, .held = options_.wait_replicas > 0});
  auto* privdata = new std::shared_ptr<UserPending>(pending);
  if (send(context_, &Connection::on_user_reply, privdata, args) != REDIS_OK) {
    delete privdata;
    pending->deliver(error::unavailable, Reply{});
    return;
  }
  track_sent();
  if (!pending->held) return;
  if (!wait_batch_) {
    wait_batch_ = std::make_shared<WaitBatch>();
    wait_batch_->replicas = options_.wait_replicas;
    // Posted: the commands already queued on the strand join this batch and share its WAIT.
    boost::asio::post(strand_, [self = shared_from_this()] { self->flush_wait(); });
  }
  wait_batch_->commands.push_back(std::move(pending));
}

void Connection::flush_wait() {
  if (!wait_batch_) return;
  auto batch = std::move(wait_batch_);
  wait_batch_.reset();
  auto* privdata = new std::shared_ptr<WaitBatch>(batch);
  const auto timeout = std::max<long long>(1, options_.wait_timeout.count());  // 0: for ever
  if (context_ == nullptr ||
      send(context_, &Connection::on_wait_reply, privdata,
           {"WAIT", std::to_string(options_.wait_replicas), std::to_string(timeout)}) != REDIS_OK) {
    delete privdata;
    batch->complete(nullptr);
    return;
  }
  track_sent();
}

void Connection::fail_wait_batch() {
  // The link is gone: its commands were flushed as unavailable and no WAIT will follow.
  if (!wait_batch_) return;
  auto batch = std::move(wait_batch_);
  wait_batch_.reset();
  batch->complete(nullptr);
}

void Connection::track_sent() {
  if (outstanding_ == 0) progress_at_ = std::chrono::steady_clock::now();
  ++outstanding_;
}

void Connection::note_reply() {
  progress_at_ = std::chrono::steady_clock::now();
  if (outstanding_ > 0) --outstanding_;
}

std::chrono::milliseconds Connection::effective_health_timeout() const {
  if (options_.wait_replicas <= 0) return options_.health_timeout;
  // A WAIT may rightly stay silent for wait_timeout.
  return std::max(options_.health_timeout, options_.wait_timeout + options_.health_interval);
}

void Connection::post_if_current(std::uint64_t generation, std::function<void(Connection&)> fn) {
  boost::asio::post(strand_, [weak = weak_from_this(), generation, fn = std::move(fn)] {
    auto self = weak.lock();
    if (!self || generation != self->generation_ || self->phase_ == Phase::stopped) return;
    fn(*self);
  });
}

void Connection::do_start() {
  if (phase_ != Phase::idle) return;
  connect();
}

void Connection::do_stop() {
  if (phase_ == Phase::stopped) return;
  phase_ = Phase::stopped;
  teardown();
  retry_timer_.cancel();
  // Nothing fires after stop(); dropping the callbacks also breaks cycles through captures.
  state_callback_ = nullptr;
  message_handler_ = nullptr;
}

void Connection::enter_subscriber_mode() {
  if (subscriber_) return;
  subscriber_ = true;
  // A link opened as a command connection is reopened in subscriber mode.
  if (phase_ == Phase::setup || phase_ == Phase::ready || phase_ == Phase::resolving ||
      phase_ == Phase::discovering) {
    teardown();
    connect();
  }
}

void Connection::do_subscribe(const std::string& channel) {
  bool added = channels_.insert(channel).second;
  if (!subscriber_) {
    enter_subscriber_mode();
    return;
  }
  // While `subscribing`, the initial SUBSCRIBE is already sent without this channel.
  const bool linked = phase_ == Phase::ready || phase_ == Phase::subscribing;
  if (added && linked && context_ != nullptr) send_subscribe({channel});
}

void Connection::do_unsubscribe(const std::string& channel) {
  if (channels_.erase(channel) == 0) return;
  const bool linked = phase_ == Phase::ready || phase_ == Phase::subscribing;
  if (subscriber_ && linked && context_ != nullptr) {
    // hiredis registers no callback for UNSUBSCRIBE: the reply goes to the channel's callback.
    send(context_, nullptr, nullptr, {"UNSUBSCRIBE", channel});
  }
}

void Connection::send_subscribe(std::vector<std::string> channels) {
  std::vector<std::string> args{"SUBSCRIBE"};
  args.insert(args.end(), channels.begin(), channels.end());
  send(context_, &Connection::on_channel_reply, nullptr, args);
}

void Connection::connect() {
  if (options_.url.sentinel()) {
    ask_sentinels();
  } else {
    connect_to(options_.url.host, options_.url.port);
  }
}

void Connection::connect_to(const std::string& host, unsigned short port) {
  ++generation_;
  phase_ = Phase::resolving;
  health_outstanding_ = false;
  target_ =
      (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
  const auto generation = generation_;
  std::weak_ptr<Connection> weak = weak_from_this();

  // hiredis 0.14 connects without a timeout; this one covers resolve, connect and setup.
  connect_timer_.expires_after(options_.connect_timeout);
  connect_timer_.async_wait([weak, generation](boost::system::error_code ec) {
    auto self = weak.lock();
    if (!self || ec || generation != self->generation_) return;
    if (self->phase_ == Phase::resolving || self->phase_ == Phase::setup ||
        self->phase_ == Phase::subscribing) {
      self->fail("connect to " + self->target_ + " timed out after " +
                 std::to_string(self->options_.connect_timeout.count()) + " ms");
    }
  });

  // hiredis would resolve names with a blocking getaddrinfo on the io thread; Asio's resolver
  // does it off-thread, and hiredis then gets a numeric address.
  resolver_.async_resolve(
      host, std::to_string(port),
      boost::asio::bind_executor(
          strand_,
          [weak, generation, host, port](boost::system::error_code ec,
                                         boost::asio::ip::tcp::resolver::results_type results) {
            auto self = weak.lock();
            if (!self || generation != self->generation_ || self->phase_ != Phase::resolving)
              return;
            if (ec || results.empty()) {
              self->fail("cannot resolve " + host + ": " + ec.message());
              return;
            }
            self->open(preferred_address(results).to_string(), port);
          }));
}

void Connection::open(const std::string& address, unsigned short port) {
  std::string error;
  redisAsyncContext* context = connect_on_strand(address, port, strand_, weak_from_this(),
                                                 "connect to " + target_ + ": ", &error);
  if (context == nullptr) {
    fail(error);
    return;
  }
  context_ = context;
  context->data = this;
  redisAsyncSetConnectCallback(context, &Connection::on_connect);
  redisAsyncSetDisconnectCallback(context, &Connection::on_disconnect);
  phase_ = Phase::setup;

  // Setup is pipelined (hiredis buffers it until connected); the first error reply aborts.
  std::vector<std::vector<std::string>> steps;
  const Url& url = options_.url;
  if (!url.password.empty()) {
    if (url.username.empty()) {
      steps.push_back({"AUTH", url.password});
    } else {
      steps.push_back({"AUTH", url.username, url.password});
    }
  }
  // A sentinel's answer may be stale (a failover under way): only a primary will do.
  std::optional<size_t> role_step;
  if (url.sentinel()) {
    role_step = steps.size();
    steps.push_back({"ROLE"});
  }
  if (url.db != 0) steps.push_back({"SELECT", std::to_string(url.db)});
  for (const auto& command : options_.setup) {
    if (!command.empty()) steps.push_back(command);
  }

  if (steps.empty()) {
    if (subscriber_) {
      // SUBSCRIBE (with the health channel last) is the handshake; its reply makes us ready.
      phase_ = Phase::subscribing;
      std::vector<std::string> channels(channels_.begin(), channels_.end());
      channels.push_back(health_channel);
      send_subscribe(std::move(channels));
      return;
    }
    steps.push_back({"PING"});  // a round trip proves the link before we say ready
  }
  for (size_t i = 0; i < steps.size(); ++i) {
    const auto kind = i == role_step ? InternalPending::Kind::role : InternalPending::Kind::setup;
    auto* pending = new InternalPending{kind, generation_, steps[i][0], i + 1 == steps.size()};
    if (send(context_, &Connection::on_internal_reply, pending, steps[i]) != REDIS_OK) {
      delete pending;
      fail("cannot queue setup command " + steps[i][0]);
      return;
    }
  }
}

void Connection::ask_sentinels() {
  cancel_lookup();
  ++generation_;
  phase_ = Phase::discovering;
  lookup_ = SentinelLookup::create(strand_, options_.url, options_.connect_timeout, sentinel_good_);
  lookup_->start([weak = weak_from_this(), generation = generation_](
                     std::optional<SentinelLookup::Primary> primary, const std::string& errors) {
    auto self = weak.lock();
    if (!self || generation != self->generation_ || self->phase_ != Phase::discovering) return;
    self->lookup_.reset();
    if (!primary) {
      self->fail("no sentinel told the primary of " + self->options_.url.master_name + ": " +
                 errors);
      return;
    }
    self->sentinel_good_ = primary->sentinel;
    self->connect_to(primary->host, primary->port);
  });
}

void Connection::cancel_lookup() {
  if (!lookup_) return;
  lookup_->cancel();
  lookup_.reset();
}

void Connection::become_ready() {
  connect_timer_.cancel();
  phase_ = Phase::ready;
  backoff_ = options_.backoff_initial;
  health_outstanding_ = false;
  outstanding_ = 0;
  progress_at_ = std::chrono::steady_clock::now();
  set_last_error("");
  ready_ = true;
  notify(true);
  arm_health();
}

void Connection::arm_health() {
  const auto generation = generation_;
  std::weak_ptr<Connection> weak = weak_from_this();
  health_timer_.expires_after(options_.health_interval);
  health_timer_.async_wait([weak, generation](boost::system::error_code ec) {
    auto self = weak.lock();
    if (!self || ec || generation != self->generation_) return;
    self->on_health_tick();
  });
}

void Connection::on_health_tick() {
  if (phase_ != Phase::ready || context_ == nullptr) return;
  const auto silent = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - progress_at_);
  if (outstanding_ > 0 && silent >= effective_health_timeout()) {
    fail("health check: no reply from " + target_ + " for " + std::to_string(silent.count()) +
         " ms with " + std::to_string(outstanding_) + " requests outstanding");
    return;
  }
  if (!health_outstanding_) {
    // Something is always outstanding, so a silent server is noticed even on an idle link.
    health_outstanding_ = true;
    track_sent();
    if (subscriber_) {
      send_subscribe({health_channel});
    } else {
      auto* pending =
          new InternalPending{InternalPending::Kind::health, generation_, "PING", false};
      if (send(context_, &Connection::on_internal_reply, pending, {"PING"}) != REDIS_OK) {
        delete pending;
      }
    }
  }
  arm_health();
}

void Connection::fail(const std::string& reason) {
  set_last_error(reason);
  teardown();
  if (phase_ != Phase::stopped) schedule_retry();
}

void Connection::teardown() {
  connect_timer_.cancel();
  health_timer_.cancel();
  resolver_.cancel();
  cancel_lookup();
  outstanding_ = 0;
  const bool was_ready = ready_.exchange(false);
  if (phase_ != Phase::stopped) phase_ = Phase::backoff;
  if (context_ != nullptr) {
    // Unhook first so that the callbacks hiredis runs while freeing see a stale context.
    redisAsyncContext* context = context_;
    context_ = nullptr;
    context->data = nullptr;
    redisAsyncFree(context);
  }
  fail_wait_batch();
  if (was_ready) notify(false);
}

void Connection::schedule_retry() {
  phase_ = Phase::backoff;
  const auto generation = generation_;
  std::weak_ptr<Connection> weak = weak_from_this();
  retry_timer_.expires_after(backoff_);
  backoff_ = std::min(backoff_ * 2, options_.backoff_max);
  retry_timer_.async_wait([weak, generation](boost::system::error_code ec) {
    auto self = weak.lock();
    if (!self || ec || generation != self->generation_ || self->phase_ != Phase::backoff) return;
    self->connect();
  });
}

void Connection::notify(bool ready) {
  // Posted, so that the callback never runs inside hiredis and sees calls in order.
  boost::asio::post(strand_, [weak = weak_from_this(), ready] {
    auto self = weak.lock();
    if (!self || self->phase_ == Phase::stopped || !self->state_callback_) return;
    auto callback = self->state_callback_;  // the callback may replace itself
    callback(ready);
  });
}

void Connection::set_last_error(const std::string& reason) {
  std::lock_guard lock(error_mutex_);
  last_error_ = reason;
}

void Connection::on_connect(const redisAsyncContext* context, int status) {
  auto* self = static_cast<Connection*>(context->data);
  if (self == nullptr || self->context_ != context || status == REDIS_OK) return;
  // hiredis frees the context right after this callback: forget it, retry from the strand.
  std::string reason = "connect to " + self->target_ + ": " +
                       (context->errstr != nullptr ? context->errstr : "failed");
  self->context_ = nullptr;
  self->ready_ = false;
  boost::asio::post(self->strand_,
                    [weak = self->weak_from_this(), generation = self->generation_, reason] {
                      auto s = weak.lock();
                      if (s && generation == s->generation_ && s->phase_ != Phase::stopped)
                        s->fail(reason);
                    });
}

void Connection::on_disconnect(const redisAsyncContext* context, int status) {
  // Runs inside hiredis's free: pending replies were already flushed with NULL. `context` is
  // freed when we return, and we must not free or command it here.
  auto* self = static_cast<Connection*>(context->data);
  if (self == nullptr || self->context_ != context) return;
  std::string reason =
      "connection to " + self->target_ +
      " lost: " + (context->errstr != nullptr && context->err != 0 ? context->errstr : "closed");
  const bool was_ready = self->ready_.exchange(false);  // exec() fails at once from now on
  self->context_ = nullptr;
  boost::asio::post(self->strand_, [weak = self->weak_from_this(), generation = self->generation_,
                                    reason, was_ready] {
    auto s = weak.lock();
    if (!s || generation != s->generation_ || s->phase_ == Phase::stopped) return;
    s->set_last_error(reason);
    s->teardown();
    if (was_ready) s->notify(false);
    s->schedule_retry();
  });
}

void Connection::on_internal_reply(redisAsyncContext* context, void* reply, void* privdata) {
  std::unique_ptr<InternalPending> pending(static_cast<InternalPending*>(privdata));
  auto* self = static_cast<Connection*>(context->data);
  // A NULL reply means hiredis is flushing a dying link: the disconnect path handles it.
  if (self == nullptr || reply == nullptr || self->context_ != context ||
      pending->generation != self->generation_) {
    return;
  }
  auto* r = static_cast<redisReply*>(reply);
  if (pending->kind == InternalPending::Kind::health) {
    self->health_outstanding_ = false;
    self->note_reply();
    return;
  }
  std::string failure;
  if (r->type == REDIS_REPLY_ERROR) {
    failure = "setup command " + pending->name + " failed: " + std::string(r->str, r->len);
  } else if (pending->kind == InternalPending::Kind::role) {
    const bool primary =
        r->type == REDIS_REPLY_ARRAY && r->elements > 0 && text_of(*r->element[0]) == "master";
    if (!primary) {
      failure = self->target_ + " is not the primary (ROLE: " +
                (r->type == REDIS_REPLY_ARRAY && r->elements > 0 ? text_of(*r->element[0])
                                                                 : std::string("?")) +
                "); the sentinels' answer is stale";
    }
  }
  if (!failure.empty()) {
    // Not from inside hiredis: fail() frees the context.
    self->post_if_current(self->generation_, [failure](Connection& s) {
      if (s.phase_ == Phase::failing) s.fail(failure);
    });
    self->phase_ = Phase::failing;  // the rest of this setup is ignored
    return;
  }
  if (!pending->last || self->phase_ != Phase::setup) return;
  if (self->subscriber_) {
    self->phase_ = Phase::subscribing;
    std::vector<std::string> channels(self->channels_.begin(), self->channels_.end());
    channels.push_back(health_channel);
    self->send_subscribe(std::move(channels));
  } else {
    self->become_ready();
  }
}

void Connection::on_user_reply(redisAsyncContext* context, void* reply, void* privdata) {
  std::unique_ptr<std::shared_ptr<UserPending>> owned(
      static_cast<std::shared_ptr<UserPending>*>(privdata));
  UserPending& pending = **owned;
  auto* self = static_cast<Connection*>(context->data);
  if (self != nullptr && self->context_ != context) self = nullptr;
  boost::system::error_code ec;
  Reply converted;
  if (reply == nullptr) {
    ec = error::unavailable;  // the link died (or is being freed) with the command in flight
  } else {
    auto* r = static_cast<redisReply*>(reply);
    if (self != nullptr) self->note_reply();
    if (self != nullptr && self->options_.url.sentinel() && starts_with(r, "READONLY")) {
      // A failover demoted our primary under us: the command was refused, so it is as if the
      // link were down; reconnecting asks the sentinels for the new primary.
      ec = error::unavailable;
      const std::string reason = self->target_ + " is no longer the primary (READONLY)";
      self->post_if_current(self->generation_, [reason](Connection& s) {
        if (s.phase_ == Phase::ready) s.fail(reason);
      });
    } else {
      converted = to_reply(*r);
    }
  }
  if (pending.held) {
    pending.answered = true;
    pending.ec = ec;
    pending.reply = std::move(converted);
    return;  // delivered with its batch's WAIT
  }
  pending.deliver(ec, std::move(converted));
}

void Connection::on_wait_reply(redisAsyncContext* context, void* reply, void* privdata) {
  std::unique_ptr<std::shared_ptr<WaitBatch>> batch(
      static_cast<std::shared_ptr<WaitBatch>*>(privdata));
  auto* self = static_cast<Connection*>(context->data);
  if (self != nullptr && self->context_ == context && reply != nullptr) self->note_reply();
  (*batch)->complete(static_cast<const redisReply*>(reply));
}

void Connection::on_channel_reply(redisAsyncContext* context, void* reply, void* privdata) {
  auto* self = static_cast<Connection*>(context->data);
  if (self == nullptr || reply == nullptr || self->context_ != context) return;
  // Any push proves the link alive (messages may queue ahead of the health SUBSCRIBE's reply).
  self->progress_at_ = std::chrono::steady_clock::now();
  auto* r = static_cast<redisReply*>(reply);
  if (r->type != REDIS_REPLY_ARRAY || r->elements < 2) return;
  const redisReply* kind = r->element[0];
  const redisReply* name = r->element[1];
  if (kind->type != REDIS_REPLY_STRING || name->type != REDIS_REPLY_STRING) return;
  std::string_view kind_text(kind->str, kind->len);
  std::string_view channel(name->str, name->len);

  if (kind_text == "message" && r->elements >= 3 && r->element[2]->type == REDIS_REPLY_STRING) {
    boost::asio::post(self->strand_,
                      [weak = self->weak_from_this(), channel = std::string(channel),
                       payload = std::string(r->element[2]->str, r->element[2]->len)] {
                        auto s = weak.lock();
                        if (!s || s->phase_ == Phase::stopped || !s->message_handler_) return;
                        auto handler = s->message_handler_;  // it may replace itself
                        handler(channel, payload);
                      });
  } else if (kind_text == "subscribe" && channel == health_channel) {
    if (self->health_outstanding_) {
      self->health_outstanding_ = false;
      self->note_reply();
    }
    // Channels are subscribed in one command with the health channel last, so this confirms
    // them all: messages published from now on reach us.
    if (self->phase_ == Phase::subscribing) self->become_ready();
  }
}

}  // namespace rollcall::redis
