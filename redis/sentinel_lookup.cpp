#include "redis/sentinel_lookup.h"

#include <charconv>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>

namespace rollcall::redis {

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
      hiredis_(strand, {},
               {.reply = [this](HiredisLink::LinkId attempt, HiredisLink::Tag tag,
                                Reply reply) { on_reply(attempt, tag, reply); },
                .lost =
                    [this](HiredisLink::LinkId attempt, bool connected, std::string detail) {
                      if (current(attempt))
                        failed(connected ? "connection lost: " + detail : detail);
                    }}),
      first_(first) {}

void SentinelLookup::start(Callback callback) {
  hiredis_.set_guard(weak_from_this());
  callback_ = std::move(callback);
  ask_next();
}

void SentinelLookup::cancel() {
  callback_ = nullptr;
  ++attempt_;
  timer_.cancel();
  resolver_.cancel();
  hiredis_.close();
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
    if (!self || ec || !self->current(attempt)) return;
    self->failed("no answer within " + std::to_string(self->timeout_.count()) + " ms");
  });
  // Asio's resolver, off-thread: hiredis would call a blocking getaddrinfo.
  resolver_.async_resolve(sentinel.host, std::to_string(sentinel.port),
                          boost::asio::bind_executor(
                              strand_, [weak, attempt, port = sentinel.port](
                                           boost::system::error_code ec,
                                           boost::asio::ip::tcp::resolver::results_type results) {
                                auto self = weak.lock();
                                if (!self || !self->current(attempt)) return;
                                if (ec || results.empty()) {
                                  self->failed("cannot resolve: " + ec.message());
                                  return;
                                }
                                self->open(preferred_address(results).to_string(), port);
                              }));
}

void SentinelLookup::open(const std::string& address, unsigned short port) {
  std::string error;
  if (!hiredis_.open(address, port, attempt_, &error)) {
    failed(error);
    return;
  }
  if (!url_.sentinel_password.empty()) hiredis_.send({"AUTH", url_.sentinel_password}, auth);
  if (!hiredis_.send({"SENTINEL", "get-master-addr-by-name", url_.master_name}, query)) {
    failed("cannot queue the query");
  }
}

void SentinelLookup::on_reply(std::uint64_t attempt, HiredisLink::Tag tag, const Reply& reply) {
  if (!current(attempt)) return;
  Primary primary;
  if (reply.is_error()) {
    failed((tag == auth ? "AUTH failed: " : "") + reply.str);
    return;
  }
  if (tag == auth) return;
  if (reply.type == Reply::Type::nil) {
    failed("does not know master " + url_.master_name);
    return;
  }
  if (reply.type != Reply::Type::array || reply.elements.size() != 2) {
    failed("unexpected answer to SENTINEL get-master-addr-by-name");
    return;
  }
  primary.host = reply.elements[0].str;
  const std::string port_text = reply.elements[1].type == Reply::Type::integer
                                    ? std::to_string(reply.elements[1].integer)
                                    : reply.elements[1].str;
  long long port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (primary.host.empty() || ec != std::errc{} || port < 1 || port > 65535) {
    failed("unexpected answer " + primary.host + " " + port_text);
    return;
  }
  primary.port = static_cast<unsigned short>(port);
  primary.sentinel = index_;
  finish(primary);
}

void SentinelLookup::failed(const std::string& reason) {
  const auto& sentinel = url_.sentinels[index_];
  if (!errors_.empty()) errors_ += "; ";
  errors_ += sentinel.host + ":" + std::to_string(sentinel.port) + ": " + reason;
  ++attempt_;
  timer_.cancel();
  resolver_.cancel();
  hiredis_.close();
  ask_next();
}

void SentinelLookup::finish(std::optional<Primary> primary) {
  ++attempt_;
  timer_.cancel();
  hiredis_.close();
  auto callback = std::move(callback_);
  callback_ = nullptr;
  if (!callback) return;
  // Posted: the owner may start the next step (or drop us) from its callback.
  boost::asio::post(strand_, [callback = std::move(callback), primary = std::move(primary),
                              errors = errors_] { callback(primary, errors); });
}

}  // namespace rollcall::redis
