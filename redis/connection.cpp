#include "redis/connection.h"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>

namespace rollcall::redis {

namespace {

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};

LinkState::Clock::time_point now() {
  return LinkState::Clock::now();
}

}  // namespace

std::shared_ptr<Connection> Connection::create(boost::asio::any_io_executor executor,
                                               Options options) {
  auto connection =
      std::shared_ptr<Connection>(new Connection(std::move(executor), std::move(options)));
  connection->hiredis_.set_guard(connection);
  return connection;
}

Connection::Connection(boost::asio::any_io_executor executor, Options options)
    : strand_(boost::asio::make_strand(executor)),
      state_(std::move(options)),
      hiredis_(
          strand_, {},
          {.reply = [this](
                        HiredisLink::LinkId link, HiredisLink::Tag tag,
                        Reply reply) { apply(state_.reply(link, tag, std::move(reply), now())); },
           .lost = [this](HiredisLink::LinkId link, bool connected,
                          std::string detail) { apply(state_.lost(link, connected, detail)); }}),
      resolver_(strand_),
      timers_{boost::asio::steady_timer(strand_), boost::asio::steady_timer(strand_),
              boost::asio::steady_timer(strand_)} {}

Connection::~Connection() {
  // No strand handler can be running: each one holds a shared_ptr (or a locked weak_ptr) to us.
  // The link goes with hiredis_; the commands still waiting complete as unavailable.
  if (lookup_) lookup_->cancel();
  for (auto& [id, handler] : handlers_) {
    boost::asio::post(strand_,
                      [handler = std::move(handler)] { handler(error::unavailable, Reply{}); });
  }
}

void Connection::start() {
  boost::asio::post(strand_, [self = shared_from_this()] { self->apply(self->state_.start()); });
}

void Connection::stop() {
  boost::asio::post(strand_, [self = shared_from_this()] {
    self->apply(self->state_.stop());
    // Nothing fires after stop(); dropping the callbacks also breaks cycles through captures.
    self->state_callback_ = nullptr;
    self->replicas_callback_ = nullptr;
    self->message_handler_ = nullptr;
  });
}

bool Connection::ready() const {
  return ready_.load();
}

std::string Connection::last_error() const {
  std::lock_guard lock(error_mutex_);
  return last_error_;
}

void Connection::on_state_change(
    std::function<void(bool ready, const std::string& cause)> callback) {
  boost::asio::post(strand_, [self = shared_from_this(), callback = std::move(callback)]() mutable {
    self->state_callback_ = std::move(callback);
  });
}

void Connection::on_replicas(std::function<void(bool enough, const std::string& detail)> callback) {
  boost::asio::post(strand_, [self = shared_from_this(), callback = std::move(callback)]() mutable {
    self->replicas_callback_ = std::move(callback);
  });
}

void Connection::on_state_change(std::function<void(bool ready)> callback) {
  on_state_change(
      [callback = std::move(callback)](bool ready, const std::string&) { callback(ready); });
}

void Connection::on_message(MessageHandler handler) {
  boost::asio::post(strand_, [self = shared_from_this(), handler = std::move(handler)]() mutable {
    self->message_handler_ = std::move(handler);
    self->apply(self->state_.enter_subscriber_mode());
  });
}

void Connection::subscribe(const std::string& channel) {
  boost::asio::post(strand_, [self = shared_from_this(), channel] {
    self->apply(self->state_.subscribe(channel));
  });
}

void Connection::unsubscribe(const std::string& channel) {
  boost::asio::post(strand_, [self = shared_from_this(), channel] {
    self->apply(self->state_.unsubscribe(channel));
  });
}

void Connection::exec(Command command, Handler handler) {
  // Always through the strand: the handler never runs inside the caller's exec() call.
  boost::asio::post(strand_, [self = shared_from_this(), command = std::move(command),
                              handler = std::move(handler)]() mutable {
    const auto id = ++self->commands_;
    self->handlers_.emplace(id, std::move(handler));
    self->apply(self->state_.exec(id, std::move(command), now()));
  });
}

void Connection::apply(LinkState::Actions actions) {
  if (queue_.apply(std::move(actions), [this](LinkState::Action& action) { execute(action); })) {
    ready_ = state_.ready();
  }
}

void Connection::execute(LinkState::Action& action) {
  std::weak_ptr<Connection> weak = weak_from_this();
  std::visit(
      Overloaded{
          [&](LinkState::Resolve& a) {
            // Asio resolves off-thread; hiredis would call a blocking getaddrinfo.
            resolver_.async_resolve(
                a.host, std::to_string(a.port),
                boost::asio::bind_executor(
                    strand_,
                    [weak, link = a.link](boost::system::error_code ec,
                                          boost::asio::ip::tcp::resolver::results_type results) {
                      auto self = weak.lock();
                      if (!self) return;
                      std::optional<std::string> address;
                      if (!ec && !results.empty()) {
                        address = preferred_address(results).to_string();
                      }
                      self->apply(self->state_.resolved(link, address, ec.message()));
                    }));
          },
          [&](LinkState::Open& a) {
            std::string error;
            apply(hiredis_.open(a.address, a.port, a.link, &error)
                      ? state_.opened(a.link)
                      : state_.open_failed(a.link, error));
          },
          [&](LinkState::AskSentinels& a) {
            const Url& url = state_.options().url;
            lookup_ =
                SentinelLookup::create(strand_, url, state_.options().connect_timeout, a.first);
            lookup_->start([weak, link = a.link](std::optional<SentinelLookup::Primary> primary,
                                                 const std::string& errors) {
              auto self = weak.lock();
              if (!self) return;
              std::optional<LinkState::Primary> found;
              if (primary)
                found = LinkState::Primary{primary->host, primary->port, primary->sentinel};
              self->apply(self->state_.sentinel_answer(link, found, errors));
            });
          },
          [&](LinkState::Send& a) {
            if (!hiredis_.send(a.command, a.tag)) apply(state_.refused(a.tag));
          },
          [&](LinkState::Close&) {
            hiredis_.close();
            resolver_.cancel();
            if (lookup_) {
              lookup_->cancel();
              lookup_.reset();
            }
          },
          [&](LinkState::ArmTimer& a) { arm(a); },
          [&](LinkState::CancelTimer& a) { timers_[static_cast<int>(a.timer)].cancel(); },
          [&](LinkState::PostFlush&) {
            // Later: the commands already queued on the strand join the batch.
            boost::asio::post(strand_, [weak] {
              if (auto self = weak.lock()) self->apply(self->state_.flush(now()));
            });
          },
          [&](LinkState::Complete& a) {
            auto it = handlers_.find(a.id);
            if (it == handlers_.end()) return;
            Handler handler = std::move(it->second);
            handlers_.erase(it);
            handler(a.ec, std::move(a.reply));
          },
          [&](LinkState::Deliver& a) {
            if (!message_handler_) return;
            auto handler = message_handler_;  // it may replace itself
            handler(a.channel, a.payload);
          },
          [&](LinkState::Notify& a) {
            ready_ = a.ready;
            if (!state_callback_) return;
            auto callback = state_callback_;  // it may replace itself
            callback(a.ready, a.cause);
          },
          [&](LinkState::SetError& a) { set_last_error(a.text); },
          [&](LinkState::Replicas& a) {
            if (!replicas_callback_) return;
            auto callback = replicas_callback_;  // it may replace itself
            callback(a.enough, a.detail);
          },
      },
      action);
}

void Connection::arm(LinkState::ArmTimer a) {
  auto& timer = timers_[static_cast<int>(a.timer)];
  timer.expires_after(a.delay);
  timer.async_wait([weak = weak_from_this(), a](boost::system::error_code ec) {
    auto self = weak.lock();
    if (!self || ec) return;
    self->apply(self->state_.timer_fired(a.timer, a.token, now()));
  });
}

void Connection::set_last_error(const std::string& reason) {
  std::lock_guard lock(error_mutex_);
  last_error_ = reason;
}

}  // namespace rollcall::redis
