#include "tools/loadgen/replay.h"

#include <algorithm>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>

#include "services/wire/codec.h"
#include "tools/client/target.h"

namespace rollcall::tools::loadgen {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using asio::as_tuple;
using asio::use_awaitable;
using services::wire::Encoding;

std::int64_t micros(std::chrono::steady_clock::duration d) {
  return std::chrono::duration_cast<std::chrono::microseconds>(d).count();
}

double seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

boost::json::object tally_json(const std::unordered_map<std::string, std::int64_t>& tally) {
  std::vector<std::pair<std::string, std::int64_t>> sorted(tally.begin(), tally.end());
  std::sort(sorted.begin(), sorted.end());
  boost::json::object o;
  for (const auto& [key, count] : sorted) o[key] = count;
  return o;
}

}  // namespace

Replay::Notifier::Notifier(asio::any_io_executor executor)
    : timer_(std::move(executor), std::chrono::steady_clock::time_point::max()) {}

asio::awaitable<void> Replay::Notifier::wait() {
  timer_.expires_at(std::chrono::steady_clock::time_point::max());
  co_await timer_.async_wait(as_tuple(use_awaitable));
}

void Replay::Notifier::notify() {
  timer_.cancel();
}

Replay::Replay(asio::io_context& io, const Timeline& timeline, ReplayOptions options)
    : io_(io), timeline_(timeline), options_(std::move(options)) {
  if (options_.event.empty()) options_.event = timeline_.event_id;
  options_.window = std::max(1, options_.window);
  options_.batch = std::clamp(options_.batch, 1, 1000);  // the gateway's largest batch
  progress_ = std::make_unique<Notifier>(io_.get_executor());
}

Replay::~Replay() = default;

void Replay::fail(std::string why) {
  if (failure_.empty()) failure_ = std::move(why);
  stopping_ = true;
  close_all();
}

std::string Replay::describe(std::exception_ptr thrown) {
  try {
    std::rethrow_exception(thrown);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "not a std::exception";
  }
}

// Why a connection ended; a close from the gateway carries its code and reason (4401: the token
// is missing or wrong, 4403: a token of another role, 1008: unknown event).
std::string Replay::lost(const WebSocket& ws, const boost::system::error_code& ec) {
  if (ec != websocket::error::closed) return "connection lost: " + ec.message();
  const auto& reason = ws.reason();
  const auto code = static_cast<int>(reason.code);
  return std::string(code >= 4000 || code == 1008 ? "refused" : "closed") +
         " by the gateway with code " + std::to_string(code) + ": " +
         std::string(reason.reason.c_str());
}

void Replay::interrupt(int signal) {
  fail("interrupted by signal " + std::to_string(signal) + " after " +
       std::to_string(scan_results_) + " scan results");
}

void Replay::close_all() {
  auto shut = [](std::unique_ptr<WebSocket>& ws) {
    if (!ws) return;
    boost::system::error_code ignored;
    beast::get_lowest_layer(*ws).socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(*ws).close();
  };
  for (auto& desk : desks_) {
    shut(desk.ws);
    desk.ready->notify();
  }
  for (auto& bridge : bridges_) {
    shut(bridge.ws);
    bridge.ready->notify();
  }
  for (auto& display : displays_) shut(display.ws);
  for (auto& beacon : beacons_) shut(beacon);
  progress_->notify();
}

bool Replay::drained() const {
  return dispatched_ && scans_open_ == 0 && presence_open_ == 0;
}

bool Replay::complete() const {
  return failure_.empty() && drained() &&
         scans_dispatched_ == static_cast<std::int64_t>(timeline_.scans.size()) &&
         presence_dispatched_ == static_cast<std::int64_t>(timeline_.presence.size()) &&
         scan_mismatches_ == 0 && presence_errors_ == 0;
}

asio::awaitable<Replay::Address> Replay::resolve(std::string host, std::string port) {
  const auto executor = co_await asio::this_coro::executor;
  asio::ip::tcp::resolver resolver(executor);
  auto [ec, endpoints] = co_await resolver.async_resolve(host, port, as_tuple(use_awaitable));
  if (ec) throw std::runtime_error("cannot resolve " + host + ": " + ec.message());
  co_return Address{std::move(host), std::move(port), std::move(endpoints)};
}

asio::awaitable<std::unique_ptr<Replay::WebSocket>> Replay::open(const Address& to,
                                                                 const std::string& target,
                                                                 bool json,
                                                                 const std::string& role) {
  const auto executor = co_await asio::this_coro::executor;
  auto ws = std::make_unique<WebSocket>(executor);
  auto& stream = beast::get_lowest_layer(*ws);
  stream.expires_after(std::chrono::seconds(10));
  auto [connect_ec, endpoint] =
      co_await stream.async_connect(to.endpoints, as_tuple(use_awaitable));
  if (connect_ec) throw std::runtime_error("cannot connect: " + connect_ec.message());
  stream.socket().set_option(asio::ip::tcp::no_delay(true));
  const auto token = options_.tokens.find(role);
  ws->set_option(websocket::stream_base::decorator(
      [json, token = token == options_.tokens.end() ? std::string() : token->second](
          websocket::request_type& request) {
        if (json) {
          request.set(beast::http::field::sec_websocket_protocol,
                      std::string(services::wire::kJsonSubprotocol));
        }
        if (!token.empty()) request.set(beast::http::field::authorization, "Bearer " + token);
      }));
  websocket::response_type response;
  auto [handshake_ec] = co_await ws->async_handshake(response, to.host + ":" + to.port, target,
                                                     as_tuple(use_awaitable));
  if (handshake_ec && response.result_int() != 0) {
    // The gateway answered with a status instead of an upgrade: name it (a missing or wrong
    // token is a 401, a token of another role a 403), with the start of its reason.
    throw std::runtime_error("WebSocket upgrade of " + target + " as " + role + " refused: HTTP " +
                             std::to_string(response.result_int()) + " " +
                             std::string(response.reason()) + ": " +
                             response.body().substr(0, 200));
  }
  if (handshake_ec) {
    throw std::runtime_error("WebSocket upgrade of " + target +
                             " failed: " + handshake_ec.message());
  }
  stream.expires_never();
  websocket::stream_base::timeout timeouts =
      websocket::stream_base::timeout::suggested(beast::role_type::client);
  ws->set_option(timeouts);  // answers the gateway's pings; drops a dead peer
  ws->read_message_max(64 * 1024 * 1024);
  ws->binary(!json);
  ws->text(json);
  co_return ws;
}

asio::awaitable<void> Replay::connect_all() {
  gateway_ = co_await resolve(options_.host, options_.port);
  if (options_.display_host.empty()) {
    display_gateway_ = gateway_;
  } else {
    display_gateway_ = co_await resolve(options_.display_host, options_.display_port);
  }

  // Displays first, each live once its snapshot has come, so that they see every update of the
  // replay (and a refused display stops the run before any scan is sent).
  for (int i = 0; i < options_.displays; ++i) {
    Display display;
    display.ws = co_await open(
        display_gateway_, client::channel_target("/v1/display", options_.event), false, "display");
    auto& tcp = beast::get_lowest_layer(*display.ws);
    tcp.expires_after(std::chrono::seconds(10));
    beast::flat_buffer buffer;
    auto [ec, bytes] = co_await display.ws->async_read(buffer, as_tuple(use_awaitable));
    if (ec) throw std::runtime_error("display: " + lost(*display.ws, ec));
    tcp.expires_never();
    take_display_message(display, beast::buffers_to_string(buffer.data()), i == 0);
    displays_.push_back(std::move(display));
  }
  const auto desk_count =
      options_.desks > 0 ? static_cast<std::size_t>(options_.desks) : timeline_.desks.size();
  for (std::size_t i = 0; i < desk_count; ++i) {
    Desk desk;
    desk.name = options_.desks > 0 ? "connection-" + std::to_string(i + 1) : timeline_.desks[i];
    // A desk is its token: a `desk:NAME TOKEN` line gives this desk its own, else all desks
    // share the `desk` token (and count as its one desk).
    const auto role =
        options_.tokens.contains("desk:" + desk.name) ? "desk:" + desk.name : std::string("desk");
    desk.ws = co_await open(gateway_, client::channel_target("/v1/desk", options_.event),
                            options_.json, role);
    desk.ready = std::make_unique<Notifier>(io_.get_executor());
    // Its own token: its scans count under its name (issued with --desk NAME), which the
    // measured display shows; its count there now is where its scans of this run start.
    if (role != "desk" && !displays_.empty()) {
      desk.followed = true;
      const auto& shown = displays_.front().state.desks();
      const auto it = shown.find(desk.name);
      desk.base = desk.shown_count = it == shown.end() ? 0 : it->second.scans();
    }
    desks_.push_back(std::move(desk));
  }
  for (const auto& name : timeline_.bridges) {
    Bridge bridge;
    bridge.name = name;
    bridge.ws = co_await open(gateway_,
                              client::channel_target("/v1/online", options_.event) +
                                  "&bridge=" + client::percent_encode(name),
                              options_.json, "platform");
    bridge.ready = std::make_unique<Notifier>(io_.get_executor());
    bridges_.push_back(std::move(bridge));
  }
  for (int i = 0; i < options_.beacons; ++i) {
    try {
      beacons_.push_back(co_await open(gateway_,
                                       client::channel_target("/v1/online", options_.event) +
                                           "&participant=loadgen-beacon-" + std::to_string(i + 1) +
                                           "&platform=loadgen",
                                       false, "platform"));
      ++beacons_open_;
    } catch (const std::exception&) {
      ++beacons_failed_;  // out of ports or descriptors: reported, the replay goes on
    }
  }
}

asio::awaitable<void> Replay::dispatch() {
  const auto executor = co_await asio::this_coro::executor;
  asio::steady_timer pace(executor);
  const auto start = Clock::now();
  const auto t0 = timeline_.items.empty() ? 0 : timeline_.items.front().t_ms;
  const auto max_open = static_cast<std::int64_t>(desks_.size()) * options_.window * 4;
  for (std::size_t i = 0; i < timeline_.items.size(); ++i) {
    const auto& item = timeline_.items[i];
    if (stopping_) co_return;
    if (options_.speed > 0) {
      const auto due = start + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double, std::milli>(
                                       static_cast<double>(item.t_ms - t0) / options_.speed));
      if (due > Clock::now()) {
        pace.expires_at(due);
        co_await pace.async_wait(as_tuple(use_awaitable));
      }
    }
    if (item.is_scan) {
      while (!stopping_ && scans_open_ >= max_open) co_await progress_->wait();
      if (stopping_) co_return;
      ++scans_open_;
      ++scans_dispatched_;
      const auto& badge = timeline_.scans[item.index].badge_id();
      if (badges_in_flight_.count(badge)) {
        // Not before the badge's previous result (so the counts come out as truth.json says),
        // and without holding up the other badges' scans: every desk stays busy.
        waiting_for_badge_[badge].push_back(i);
      } else {
        send_scan(i);
      }
    } else {
      ++presence_open_;
      ++presence_dispatched_;
      auto& bridge = bridges_[item.link];
      bridge.queue.push_back(item.index);
      bridge.ready->notify();
    }
  }
  dispatched_ = true;
}

void Replay::send_scan(std::size_t i) {
  const auto& item = timeline_.items[i];
  badges_in_flight_.insert(timeline_.scans[item.index].badge_id());
  auto& desk = desks_[options_.desks > 0 ? round_robin_++ % desks_.size() : item.link];
  desk.queue.push_back({item.index, {}});
  desk.ready->notify();
}

asio::awaitable<void> Replay::desk_writer(Desk& desk) {
  const auto encoding = options_.json ? Encoding::json : Encoding::binary;
  while (!stopping_) {
    if (desk.queue.empty() || desk.inflight.size() >= static_cast<std::size_t>(options_.window)) {
      co_await desk.ready->wait();
      continue;
    }
    auto pending = desk.queue.front();
    desk.queue.pop_front();
    const auto frame = services::wire::encode(timeline_.scans[pending.scan], encoding);
    pending.sent = Clock::now();
    desk.inflight.push_back(pending);
    auto [ec, written] =
        co_await desk.ws->async_write(asio::buffer(frame), as_tuple(use_awaitable));
    if (ec) {
      if (!stopping_) fail("desk " + desk.name + ": send failed: " + ec.message());
      co_return;
    }
    ++scan_frames_sent_;
    bytes_sent_ += static_cast<std::int64_t>(frame.size());
  }
}

asio::awaitable<void> Replay::retry_later(Desk& desk, Pending pending) {
  const auto executor = co_await asio::this_coro::executor;
  asio::steady_timer pause(executor, std::chrono::milliseconds(100));
  co_await pause.async_wait(as_tuple(use_awaitable));
  desk.queue.push_front(pending);
  desk.ready->notify();
}

asio::awaitable<void> Replay::desk_reader(Desk& desk) {
  const auto executor = co_await asio::this_coro::executor;
  const auto encoding = options_.json ? Encoding::json : Encoding::binary;
  beast::flat_buffer buffer;
  while (!stopping_) {
    buffer.clear();
    auto [ec, bytes] = co_await desk.ws->async_read(buffer, as_tuple(use_awaitable));
    if (ec) {
      if (!stopping_) fail("desk " + desk.name + ": " + lost(*desk.ws, ec));
      co_return;
    }
    bytes_received_ += static_cast<std::int64_t>(bytes);
    const auto now = Clock::now();
    rollcall::v1::ScanResult result;
    std::string error;
    if (!services::wire::decode(beast::buffers_to_string(buffer.data()), encoding, &result,
                                &error)) {
      fail("desk " + desk.name + ": unreadable result: " + error);
      co_return;
    }
    if (desk.inflight.empty()) {
      fail("desk " + desk.name + ": a result nobody asked for");
      co_return;
    }
    const auto pending = desk.inflight.front();
    desk.inflight.pop_front();
    const auto& scan = timeline_.scans[pending.scan];
    if (result.scan_id() != scan.scan_id()) ++scan_mismatches_;
    scan_to_result_.record(micros(now - pending.sent));
    ++last_progress_;
    if (result.status() == rollcall::v1::unavailable) {
      ++scan_retries_;  // Redis blinked: the same scan_id again, so it counts at most once
      asio::co_spawn(executor, retry_later(desk, pending), fail_on_throw());
    } else {
      ++scan_results_;
      ++results_by_status_[rollcall::v1::ScanStatus_Name(result.status())];
      if (result.replay()) ++scan_replays_;
      // The badge's next scan, if one waits, goes out now; else the badge is free.
      if (const auto it = waiting_for_badge_.find(scan.badge_id());
          it != waiting_for_badge_.end()) {
        const auto next = it->second.front();
        it->second.pop_front();
        if (it->second.empty()) waiting_for_badge_.erase(it);
        send_scan(next);
      } else {
        badges_in_flight_.erase(scan.badge_id());
      }
      --scans_open_;
      awaiting_display_.push_back(pending.sent);
      // Only what Redis counted now moves the desk's count: a result it made has a server_time
      // (the gateway's own refusals, malformed or a forged badge code, have none), and a replay
      // counted nothing (one whose first answer was lost to `unavailable` shifts this by one).
      if (desk.followed && !result.replay() && result.has_server_time()) {
        note_desk_answer(desk, pending.sent);
      }
      progress_->notify();
    }
    desk.ready->notify();
  }
}

asio::awaitable<void> Replay::bridge_sender(Bridge& bridge) {
  const auto encoding = options_.json ? Encoding::json : Encoding::binary;
  const auto executor = co_await asio::this_coro::executor;
  asio::steady_timer pause(executor);
  beast::flat_buffer buffer;
  while (!stopping_) {
    if (bridge.queue.empty()) {
      co_await bridge.ready->wait();
      continue;
    }
    std::vector<std::uint32_t> items;
    while (!bridge.queue.empty() && items.size() < static_cast<std::size_t>(options_.batch)) {
      items.push_back(bridge.queue.front());
      bridge.queue.pop_front();
    }
    rollcall::v1::OnlineRequest request;
    auto* batch = request.mutable_batch();
    batch->set_bridge_id(bridge.name);
    for (const auto index : items) *batch->add_events() = timeline_.presence[index];
    const auto frame = services::wire::encode(request, encoding);
    for (;;) {
      const auto sent = Clock::now();
      auto [write_ec, written] =
          co_await bridge.ws->async_write(asio::buffer(frame), as_tuple(use_awaitable));
      if (write_ec) {
        if (!stopping_) fail("bridge " + bridge.name + ": send failed: " + write_ec.message());
        co_return;
      }
      bytes_sent_ += static_cast<std::int64_t>(frame.size());
      presence_items_sent_ += static_cast<std::int64_t>(items.size());
      ++presence_batches_;
      buffer.clear();
      auto [read_ec, bytes] = co_await bridge.ws->async_read(buffer, as_tuple(use_awaitable));
      if (read_ec) {
        if (!stopping_) fail("bridge " + bridge.name + ": " + lost(*bridge.ws, read_ec));
        co_return;
      }
      bytes_received_ += static_cast<std::int64_t>(bytes);
      batch_to_ack_.record(micros(Clock::now() - sent));
      ++last_progress_;
      rollcall::v1::OnlineReply reply;
      std::string error;
      if (!services::wire::decode(beast::buffers_to_string(buffer.data()), encoding, &reply,
                                  &error)) {
        fail("bridge " + bridge.name + ": unreadable reply: " + error);
        co_return;
      }
      if (reply.has_error() && reply.error().code() == "rate_limited") {
        ++presence_rate_limited_;  // nothing was applied: the same batch again, a little later
        pause.expires_after(std::chrono::milliseconds(100));
        co_await pause.async_wait(as_tuple(use_awaitable));
        continue;
      }
      if (reply.has_error() || reply.result().acks_size() != static_cast<int>(items.size())) {
        presence_errors_ += static_cast<std::int64_t>(items.size());
        presence_open_ -= static_cast<std::int64_t>(items.size());
        break;
      }
      std::vector<std::uint32_t> again;
      for (int i = 0; i < reply.result().acks_size(); ++i) {
        const auto& ack = reply.result().acks(i);
        if (ack.status() == rollcall::v1::PresenceAck::unavailable) {
          again.push_back(items[static_cast<std::size_t>(i)]);
          continue;
        }
        ++acks_by_status_[rollcall::v1::PresenceAck::Status_Name(ack.status())];
        if (ack.replay()) ++presence_replays_;
        ++presence_acked_;
        --presence_open_;
      }
      // Unavailable items go first in the queue, in their order, with the same presence_id.
      for (auto it = again.rbegin(); it != again.rend(); ++it) bridge.queue.push_front(*it);
      break;
    }
    progress_->notify();
  }
}

bool Replay::take_display_message(Display& display, const std::string& data, bool measure) {
  const auto now = Clock::now();
  ++display_messages_;
  display_bytes_ += static_cast<std::int64_t>(data.size());
  bytes_received_ += static_cast<std::int64_t>(data.size());
  if (!measure) return false;  // extra displays are load; one display keeps the state
  rollcall::v1::DisplayMessage message;
  if (!message.ParseFromString(data)) return false;
  // The tick's regularity while scans flow (not the quiet before the first or after the last).
  if (message.has_update() && replay_started_ != Clock::time_point{} &&
      replay_ended_ == Clock::time_point{}) {
    if (last_update_ != Clock::time_point{}) display_interval_.record(micros(now - last_update_));
    last_update_ = now;
  }
  bool gap = false;
  if (message.has_snapshot()) {
    display.state = message.snapshot();
    display.awaiting_snapshot = false;
    ++display_snapshots_;
  } else if (message.has_update()) {
    if (display.awaiting_snapshot) return false;
    if (message.update().prev_seq() == display.state.seq()) {
      display.state.MergeFrom(message.update().totals());
      ++display_updates_;
    } else {
      ++display_gaps_;
      display.awaiting_snapshot = true;
      gap = true;
    }
  }
  // Approximation: a scan is on screen with the first display message after its result.
  for (const auto sent : awaiting_display_) scan_to_display_.record(micros(now - sent));
  awaiting_display_.clear();
  if (!display.awaiting_snapshot) note_desks_shown(display.state, now);
  last_display_message_ = now;
  return gap;
}

void Replay::note_desks_shown(const rollcall::v1::Totals& state, Clock::time_point now) {
  for (auto& desk : desks_) {
    if (!desk.followed) continue;
    const auto it = state.desks().find(desk.name);
    if (it == state.desks().end() || it->second.scans() <= desk.shown_count) continue;
    desk.shown_count = it->second.scans();
    desk.shown.push_back({desk.shown_count, now, last_display_message_});
    while (!desk.unshown.empty() && desk.unshown.front().count <= desk.shown_count) {
      const auto sent = desk.unshown.front().sent;
      scan_to_display_exact_.record(micros(now - sent));
      if (sent < last_display_message_) ++scans_missing_a_tick_;
      desk.unshown.pop_front();
    }
  }
}

void Replay::note_desk_answer(Desk& desk, Clock::time_point sent) {
  const auto count = desk.base + ++desk.answered;
  // The display may have shown it before the result came back (another gateway, or a tick
  // between Redis and the result): the first time its count reached this scan is when.
  while (!desk.shown.empty() && desk.shown.front().count < count) desk.shown.pop_front();
  if (desk.shown.empty()) {
    desk.unshown.push_back({count, sent});
    return;
  }
  const auto& shown = desk.shown.front();
  scan_to_display_exact_.record(std::max<std::int64_t>(0, micros(shown.at - sent)));
  if (sent < shown.previous_message) ++scans_missing_a_tick_;
}

asio::awaitable<void> Replay::display_reader(Display& display, bool measure) {
  beast::flat_buffer buffer;
  while (!stopping_) {
    buffer.clear();
    auto [ec, bytes] = co_await display.ws->async_read(buffer, as_tuple(use_awaitable));
    if (ec) {
      if (!stopping_) fail("display: " + lost(*display.ws, ec));
      co_return;
    }
    if (take_display_message(display, beast::buffers_to_string(buffer.data()), measure)) {
      rollcall::v1::DisplayRequest request;
      request.set_snapshot(true);
      const auto frame = request.SerializeAsString();
      co_await display.ws->async_write(asio::buffer(frame), as_tuple(use_awaitable));
    }
  }
}

asio::awaitable<void> Replay::beacon_reader(WebSocket& ws) {
  beast::flat_buffer buffer;
  while (!stopping_) {
    buffer.clear();
    auto [ec, bytes] = co_await ws.async_read(buffer, as_tuple(use_awaitable));
    if (ec) co_return;
  }
}

asio::awaitable<void> Replay::watchdog() {
  const auto executor = co_await asio::this_coro::executor;
  asio::steady_timer tick(executor);
  auto last_seen = last_progress_;
  auto last_change = Clock::now();
  while (!stopping_) {
    tick.expires_after(std::chrono::milliseconds(500));
    co_await tick.async_wait(as_tuple(use_awaitable));
    const bool waiting = scans_open_ > 0 || presence_open_ > 0;
    if (last_progress_ != last_seen || !waiting) {
      last_seen = last_progress_;
      last_change = Clock::now();
    } else if (Clock::now() - last_change > options_.stall_timeout) {
      fail("no reply from the gateway for " + std::to_string(options_.stall_timeout.count()) +
           " s with " + std::to_string(scans_open_) + " scans and " +
           std::to_string(presence_open_) + " presence events unanswered");
    }
  }
}

asio::awaitable<void> Replay::run() {
  started_ = Clock::now();
  try {
    co_await connect_all();
  } catch (const std::exception& e) {
    fail(e.what());
    co_return;
  }
  const auto executor = co_await asio::this_coro::executor;
  for (auto& desk : desks_) {
    asio::co_spawn(executor, desk_writer(desk), fail_on_throw());
    asio::co_spawn(executor, desk_reader(desk), fail_on_throw());
  }
  for (auto& bridge : bridges_) asio::co_spawn(executor, bridge_sender(bridge), fail_on_throw());
  for (std::size_t i = 0; i < displays_.size(); ++i) {
    asio::co_spawn(executor, display_reader(displays_[i], i == 0), fail_on_throw());
  }
  for (auto& beacon : beacons_) asio::co_spawn(executor, beacon_reader(*beacon), fail_on_throw());
  asio::co_spawn(executor, watchdog(), fail_on_throw());

  replay_started_ = Clock::now();
  co_await dispatch();
  while (!stopping_ && !drained()) co_await progress_->wait();
  replay_ended_ = Clock::now();
  if (!stopping_) {
    asio::steady_timer settle(executor, options_.settle);
    co_await settle.async_wait(as_tuple(use_awaitable));
    // A display that saw nothing (not even its snapshot) measured nothing: a failed run.
    if (!displays_.empty() && display_messages_ == 0) fail("the displays received no message");
  }
  stopping_ = true;
  close_all();
  finished_ = Clock::now();
}

boost::json::object Replay::report() const {
  const double replay_s = seconds(replay_ended_ - replay_started_);
  auto rate = [&](std::int64_t n) { return replay_s > 0 ? std::round(n / replay_s) : 0.0; };
  const auto& totals = displays_.empty() ? rollcall::v1::Totals() : displays_.front().state;
  std::int64_t followed = 0, not_shown = 0;
  for (const auto& desk : desks_) {
    followed += desk.followed ? 1 : 0;
    not_shown += static_cast<std::int64_t>(desk.unshown.size());
  }
  boost::json::object report{
      {"ok", complete()},
      {"failure", failure_},
      {"gateway", options_.host + ":" + options_.port},
      {"display_gateway", options_.display_host.empty()
                              ? options_.host + ":" + options_.port
                              : options_.display_host + ":" + options_.display_port},
      {"event", options_.event},
      {"scenario", timeline_.scenario},
      {"speed",
       options_.speed > 0 ? boost::json::value(options_.speed) : boost::json::value("max")},
      {"replay_seconds", std::round(replay_s * 1000) / 1000},
      {"total_seconds", std::round(seconds(finished_ - started_) * 1000) / 1000},
      {"connections",
       {{"desks", desks_.size()},
        {"bridges", bridges_.size()},
        {"displays", displays_.size()},
        {"beacons", beacons_open_},
        {"beacons_failed", beacons_failed_}}},
      {"bytes_sent", bytes_sent_},
      {"bytes_received", bytes_received_},
      {"scans",
       {{"in_timeline", timeline_.scans.size()},
        {"frames_sent", scan_frames_sent_},
        {"results", scan_results_},
        {"retried_unavailable", scan_retries_},
        {"replays", scan_replays_},
        {"mismatched", scan_mismatches_},
        {"per_second", rate(scan_results_)},
        {"by_status", tally_json(results_by_status_)},
        {"scan_to_result", scan_to_result_.to_json()},
        {"scan_to_display", scan_to_display_.to_json()},
        {"scan_to_display_exact", scan_to_display_exact_.to_json()},
        {"missing_a_tick", scans_missing_a_tick_},
        {"not_shown", not_shown}}},
      {"presence",
       {{"in_timeline", timeline_.presence.size()},
        {"items_sent", presence_items_sent_},
        {"acked", presence_acked_},
        {"batches", presence_batches_},
        {"rate_limited_batches", presence_rate_limited_},
        {"failed_items", presence_errors_},
        {"replays", presence_replays_},
        {"per_second", rate(presence_acked_)},
        {"by_status", tally_json(acks_by_status_)},
        {"batch_to_ack", batch_to_ack_.to_json()}}},
      {"display",
       {{"messages", display_messages_},
        {"bytes", display_bytes_},
        {"snapshots", display_snapshots_},
        {"updates", display_updates_},
        {"gaps", display_gaps_},
        {"interval", display_interval_.to_json()},
        {"desks_followed", followed},
        {"seq", totals.seq()},
        {"onsite", totals.onsite()},
        {"remote", totals.remote()},
        {"hybrid", totals.hybrid()},
        {"participants", totals.participants()},
        {"countries_onsite", totals.countries_onsite()},
        {"countries_any", totals.countries_any()},
        {"inside_now", totals.inside_now()}}}};
  return report;
}

}  // namespace rollcall::tools::loadgen
