#include "redis/asio_adapter.h"

#include <poll.h>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>

#include <hiredis/async.h>

namespace rollcall::redis {

namespace {

enum direction { read_dir = 0, write_dir = 1 };

class AsioAdapter : public std::enable_shared_from_this<AsioAdapter> {
 public:
  AsioAdapter(redisAsyncContext* context, Strand strand, std::weak_ptr<void> guard)
      : context_(context), strand_(strand), descriptor_(strand), guard_(std::move(guard)) {}

  bool assign() {
    boost::system::error_code ec;
    descriptor_.assign(context_->c.fd, ec);
    return !ec;
  }

  // hiredis hooks (called on the strand, possibly from inside redisAsyncHandleRead/Write).
  static void add_read(void* data) { static_cast<AsioAdapter*>(data)->want(read_dir, true); }
  static void del_read(void* data) { static_cast<AsioAdapter*>(data)->want(read_dir, false); }
  static void add_write(void* data) { static_cast<AsioAdapter*>(data)->want(write_dir, true); }
  static void del_write(void* data) { static_cast<AsioAdapter*>(data)->want(write_dir, false); }
  static void cleanup(void* data) { static_cast<AsioAdapter*>(data)->detach(); }

  std::shared_ptr<AsioAdapter> self_;  // hiredis's ev.data owns us until cleanup

 private:
  void want(direction d, bool on) {
    wanted_[d] = on;
    // Inside fire() the loop re-arms once at the end; hiredis calls addRead on every read.
    if (on && !firing_) arm(d);
  }

  void detach() {
    context_ = nullptr;
    wanted_[read_dir] = wanted_[write_dir] = false;
    // release(), not close(): the fd is hiredis's and it closes it right after this hook.
    // Outstanding waits complete with operation_aborted.
    if (descriptor_.is_open()) descriptor_.release();
    auto keep = std::move(self_);  // may be the last owner besides pending handlers
  }

  // Asio's epoll reactor is edge-triggered and hiredis reads at most 16 KiB per call, so a wait
  // alone can miss data that is already there. After arming, a zero-timeout poll() turns this
  // into level-triggered behaviour: if the fd is ready now, a "kick" runs the handler at once.
  // A spurious call is harmless: hiredis then reads EAGAIN or has nothing to write.
  void arm(direction d) {
    if (context_ == nullptr || !wanted_[d]) return;
    if (!armed_[d]) {
      armed_[d] = true;
      auto wait = d == read_dir ? boost::asio::posix::descriptor_base::wait_read
                                : boost::asio::posix::descriptor_base::wait_write;
      descriptor_.async_wait(
          wait, boost::asio::bind_executor(strand_, [self = shared_from_this(), d](auto ec) {
            auto guard = self->guard_.lock();
            if (!guard) return;
            self->armed_[d] = false;
            if (ec == boost::asio::error::operation_aborted) return;
            self->fire(d);
          }));
    }
    if (!kicked_[d] && ready_now(d)) {
      kicked_[d] = true;
      boost::asio::post(strand_, [self = shared_from_this(), d] {
        auto guard = self->guard_.lock();
        if (!guard) return;
        self->kicked_[d] = false;
        self->fire(d);
      });
    }
  }

  bool ready_now(direction d) const {
    pollfd p{context_->c.fd, static_cast<short>(d == read_dir ? POLLIN : POLLOUT), 0};
    return ::poll(&p, 1, 0) > 0 && p.revents != 0;
  }

  void fire(direction d) {
    if (context_ == nullptr || !wanted_[d]) return;
    firing_ = true;
    if (d == read_dir) {
      redisAsyncHandleRead(context_);
    } else {
      redisAsyncHandleWrite(context_);
    }
    firing_ = false;
    // hiredis may have freed the context (detach() cleared context_) or changed its wishes.
    arm(read_dir);
    arm(write_dir);
  }

  redisAsyncContext* context_;
  Strand strand_;
  boost::asio::posix::stream_descriptor descriptor_;
  std::weak_ptr<void> guard_;
  bool wanted_[2] = {false, false};
  bool armed_[2] = {false, false};
  bool kicked_[2] = {false, false};
  bool firing_ = false;
};

}  // namespace

bool attach_to_asio(redisAsyncContext* context, Strand strand, std::weak_ptr<void> guard) {
  if (context == nullptr || context->ev.data != nullptr) return false;
  auto adapter = std::make_shared<AsioAdapter>(context, strand, std::move(guard));
  if (!adapter->assign()) return false;
  adapter->self_ = adapter;
  context->ev.data = adapter.get();
  context->ev.addRead = &AsioAdapter::add_read;
  context->ev.delRead = &AsioAdapter::del_read;
  context->ev.addWrite = &AsioAdapter::add_write;
  context->ev.delWrite = &AsioAdapter::del_write;
  context->ev.cleanup = &AsioAdapter::cleanup;
  return true;
}

redisAsyncContext* connect_on_strand(const std::string& address, unsigned short port, Strand strand,
                                     std::weak_ptr<void> guard, std::string_view what,
                                     std::string* error) {
  redisAsyncContext* context = redisAsyncConnect(address.c_str(), port);
  if (context == nullptr) {
    *error = "cannot allocate a redis context";
    return nullptr;
  }
  if (context->err != 0) {
    *error = std::string(what) + context->errstr;
    redisAsyncFree(context);
    return nullptr;
  }
  if (!attach_to_asio(context, std::move(strand), std::move(guard))) {
    redisAsyncFree(context);
    *error = "cannot attach the redis socket to asio";
    return nullptr;
  }
  return context;
}

boost::asio::ip::address preferred_address(
    const boost::asio::ip::tcp::resolver::results_type& results) {
  for (const auto& entry : results) {
    if (entry.endpoint().address().is_v4()) return entry.endpoint().address();
  }
  return results.begin()->endpoint().address();
}

}  // namespace rollcall::redis
