#include "redis/sentinel_lookup.h"

#include <charconv>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include "redis/hiredis_reply.h"

namespace rollcall::redis {

namespace {

struct Pending {
  std::uint64_t attempt;
  bool auth = false;
};

int send(redisAsyncContext* context, void* privdata, const std::vector<std::string>& args,
         redisCallbackFn* fn) {
  Argv argv(args);
  return redisAsyncCommandArgv(context, fn, privdata, argv.count(), argv.pointers.data(),
                               argv.lengths.data());
}

}  // namespace

std::shared_ptr<SentinelLookup> SentinelLookup::create(Strand strand, Url url,
                                                       std::chrono::milliseconds timeout,
                                                       std::size_t first) {
  return std::shared_ptr<SentinelLookup>(
      new SentinelLookup(std::move(strand), std::move(url), timeout, first));
}

SentinelLookup::SentinelLookup(Strand strand, Url url, std::chrono::milliseconds timeout,
                               std::size_t first)
    : strand_(strand),
      url_(std::move(url)),
      timeout_(timeout),
      resolver_(strand),
      timer_(strand),
      first_(first) {}

SentinelLookup::~SentinelLookup() {
  close();
}

void SentinelLookup::start(Callback callback) {
  callback_ = std::move(callback);
  ask_next();
}

void SentinelLookup::cancel() {
  callback_ = nullptr;
  ++attempt_;
  timer_.cancel();
  resolver_.cancel();
  close();
}

void SentinelLookup::ask_next() {
  if (tries_ >= url_.sentinels.size()) {
    finish(std::nullopt);
    return;
  }
  index_ = (first_ + tries_) % url_.sentinels.size();
  ++tries_;
  const auto attempt = ++attempt_;
  const auto& sentinel = url_.sentinels[index_];
  std::weak_ptr<SentinelLookup> weak = weak_from_this();

  timer_.expires_after(timeout_);
  timer_.async_wait([weak, attempt](boost::system::error_code ec) {
    auto self = weak.lock();
    if (!self || ec || attempt != self->attempt_) return;
    self->failed("no answer within " + std::to_string(self->timeout_.count()) + " ms");
  });
  // Asio's resolver, off-thread: hiredis would call a blocking getaddrinfo.
  resolver_.async_resolve(sentinel.host, std::to_string(sentinel.port),
                          boost::asio::bind_executor(
                              strand_, [weak, attempt, port = sentinel.port](
                                           boost::system::error_code ec,
                                           boost::asio::ip::tcp::resolver::results_type results) {
                                auto self = weak.lock();
                                if (!self || attempt != self->attempt_) return;
                                if (ec || results.empty()) {
                                  self->failed("cannot resolve: " + ec.message());
                                  return;
                                }
                                self->open(preferred_address(results).to_string(), port);
                              }));
}

void SentinelLookup::open(const std::string& address, unsigned short port) {
  std::string error;
  redisAsyncContext* context =
      connect_on_strand(address, port, strand_, weak_from_this(), "", &error);
  if (context == nullptr) {
    failed(error);
    return;
  }
  context_ = context;
  context->data = this;
  redisAsyncSetConnectCallback(context, &SentinelLookup::on_connect);
  redisAsyncSetDisconnectCallback(context, &SentinelLookup::on_disconnect);
  if (!url_.sentinel_password.empty()) {
    auto* auth = new Pending{attempt_, true};
    if (send(context, auth, {"AUTH", url_.sentinel_password}, &SentinelLookup::on_reply) !=
        REDIS_OK) {
      delete auth;
    }
  }
  auto* query = new Pending{attempt_, false};
  if (send(context, query, {"SENTINEL", "get-master-addr-by-name", url_.master_name},
           &SentinelLookup::on_reply) != REDIS_OK) {
    delete query;
    failed("cannot queue the query");
  }
}

void SentinelLookup::failed(const std::string& reason) {
  const auto& sentinel = url_.sentinels[index_];
  if (!errors_.empty()) errors_ += "; ";
  errors_ += sentinel.host + ":" + std::to_string(sentinel.port) + ": " + reason;
  ++attempt_;
  timer_.cancel();
  resolver_.cancel();
  close();
  ask_next();
}

void SentinelLookup::close() {
  if (context_ == nullptr) return;
  // Unhook first: the callbacks hiredis runs while freeing then see a stale context.
  redisAsyncContext* context = context_;
  context_ = nullptr;
  context->data = nullptr;
  redisAsyncFree(context);
}

void SentinelLookup::finish(std::optional<Primary> primary) {
  ++attempt_;
  timer_.cancel();
  close();
  auto callback = std::move(callback_);
  callback_ = nullptr;
  if (!callback) return;
  // Posted: the owner may start the next step (or drop us) from its callback.
  boost::asio::post(strand_, [callback = std::move(callback), primary = std::move(primary),
                              errors = errors_] { callback(primary, errors); });
}

void SentinelLookup::post_if_current(std::function<void(SentinelLookup&)> fn) {
  // Never act from inside hiredis: failing frees the context hiredis is running.
  boost::asio::post(strand_, [weak = weak_from_this(), attempt = attempt_, fn = std::move(fn)] {
    auto self = weak.lock();
    if (self && attempt == self->attempt_ && self->callback_) fn(*self);
  });
}

void SentinelLookup::on_connect(const redisAsyncContext* context, int status) {
  auto* self = static_cast<SentinelLookup*>(context->data);
  if (self == nullptr || self->context_ != context || status == REDIS_OK) return;
  // hiredis frees the context right after this callback.
  std::string reason = context->errstr != nullptr ? context->errstr : "connect failed";
  self->context_ = nullptr;
  self->post_if_current([reason](SentinelLookup& s) { s.failed(reason); });
}

void SentinelLookup::on_disconnect(const redisAsyncContext* context, int status) {
  auto* self = static_cast<SentinelLookup*>(context->data);
  if (self == nullptr || self->context_ != context) return;
  std::string reason =
      std::string("connection lost: ") +
      (context->errstr != nullptr && context->err != 0 ? context->errstr : "closed");
  self->context_ = nullptr;
  self->post_if_current([reason](SentinelLookup& s) { s.failed(reason); });
}

void SentinelLookup::on_reply(redisAsyncContext* context, void* reply, void* privdata) {
  std::unique_ptr<Pending> pending(static_cast<Pending*>(privdata));
  auto* self = static_cast<SentinelLookup*>(context->data);
  if (self == nullptr || reply == nullptr || self->context_ != context ||
      pending->attempt != self->attempt_) {
    return;
  }
  auto* r = static_cast<redisReply*>(reply);
  std::string failure;
  Primary primary;
  if (r->type == REDIS_REPLY_ERROR) {
    failure = (pending->auth ? "AUTH failed: " : "") + std::string(r->str, r->len);
  } else if (pending->auth) {
    return;
  } else if (r->type == REDIS_REPLY_NIL) {
    failure = "does not know master " + self->url_.master_name;
  } else if (r->type == REDIS_REPLY_ARRAY && r->elements == 2) {
    primary.host = text_of(*r->element[0]);
    const std::string port_text = text_of(*r->element[1]);
    long long port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (primary.host.empty() || ec != std::errc{} || port < 1 || port > 65535) {
      failure = "unexpected answer " + primary.host + " " + port_text;
    }
    primary.port = static_cast<unsigned short>(port);
  } else {
    failure = "unexpected answer to SENTINEL get-master-addr-by-name";
  }
  if (!failure.empty()) {
    self->post_if_current([failure](SentinelLookup& s) { s.failed(failure); });
    return;
  }
  primary.sentinel = self->index_;
  self->post_if_current([primary](SentinelLookup& s) { s.finish(primary); });
}

}  // namespace rollcall::redis
