#pragma once

#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "gateway/server/context.h"
#include "gateway/server/flex_stream.h"
#include "gateway/totals_hub.h"

namespace rollcall::gateway::server {

// One display: a snapshot first, then the hub's shared updates. A display holds at most one
// frame in flight and one waiting; if it falls further behind, the waiting update is replaced
// by a fresh snapshot, so a slow screen costs no memory and still shows the newest state.
class DisplaySession : public DisplaySink, public std::enable_shared_from_this<DisplaySession> {
 public:
  using WebSocket = boost::beast::websocket::stream<FlexStream>;

  DisplaySession(WebSocket ws, std::string event_id, services::wire::Encoding encoding,
                 std::shared_ptr<const Context> context);

  boost::asio::awaitable<void> run();
  WebSocket::executor_type get_executor() { return ws_.get_executor(); }

  void on_update(std::shared_ptr<const SharedFrames> update) override;
  void on_resync() override;

 private:
  boost::asio::awaitable<void> read_requests();
  boost::asio::awaitable<void> write_frames();
  void wake() { wake_.cancel(); }

  WebSocket ws_;
  std::string event_id_;
  services::wire::Encoding encoding_;
  std::shared_ptr<const Context> context_;
  boost::asio::steady_timer wake_;
  boost::asio::steady_timer slow_timer_;
  // Touched only on the session's strand.
  std::shared_ptr<const SharedFrames> waiting_update_;
  std::shared_ptr<const std::string> waiting_error_;
  bool want_snapshot_ = true;
  std::uint64_t seq_ = 0;  // what the display has
  bool has_state_ = false;
  bool dropped_as_slow_ = false;
  ChannelGauge gauge_;
};

}  // namespace rollcall::gateway::server
