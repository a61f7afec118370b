#include "tests/integration/online_support.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "services/wire/codec.h"
#include "tests/support/http_totals.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/tokens.h"
#include "tools/client/errors.h"
#include "tools/client/target.h"

namespace rollcall::tests::integration {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

services::wire::Encoding wire_encoding(Encoding encoding) {
  return encoding == Encoding::json ? services::wire::Encoding::json
                                    : services::wire::Encoding::binary;
}

}  // namespace

v1::PresenceEvent join_item(const std::string& presence_id, const std::string& participant,
                            const std::string& country, const std::string& badge) {
  v1::PresenceEvent item;
  item.set_presence_id(presence_id);
  item.set_kind(v1::join);
  item.set_participant_id(participant);
  item.set_country(country);
  item.set_badge_id(badge);
  return item;
}

v1::PresenceEvent leave_item(const std::string& presence_id, const std::string& participant) {
  v1::PresenceEvent item;
  item.set_presence_id(presence_id);
  item.set_kind(v1::leave);
  item.set_participant_id(participant);
  return item;
}

std::vector<v1::PresenceAck::Status> statuses(const v1::PresenceResult& result) {
  std::vector<v1::PresenceAck::Status> out;
  for (const auto& ack : result.acks()) out.push_back(ack.status());
  return out;
}

// ---------------------------------------------------------------------------------------------
// OnlineClient

OnlineTokens& online_tokens() {
  static OnlineTokens tokens;
  return tokens;
}

void OnlineClient::connect(const std::string& host, unsigned short port, const std::string& event,
                           Encoding encoding, const std::string& bridge_id, Timeout timeout) {
  encoding_ = encoding;
  connection_.set_token(online_tokens().platform);
  auto target = tools::client::channel_target("/v1/online", event);
  if (!bridge_id.empty()) target += "&bridge=" + tools::client::percent_encode(bridge_id);
  connection_.connect(host, port, target, tools::client::subprotocol(encoding), timeout);
}

void OnlineClient::write(const v1::PresenceBatch& batch, Timeout timeout) {
  v1::OnlineRequest request;
  *request.mutable_batch() = batch;
  connection_.write(services::wire::encode(request, wire_encoding(encoding_)),
                    encoding_ == Encoding::json, timeout);
}

std::optional<v1::OnlineReply> OnlineClient::read(Timeout timeout) {
  const auto frame = connection_.read(timeout);
  if (!frame) return std::nullopt;
  v1::OnlineReply reply;
  std::string error;
  if (!services::wire::decode(frame->data, wire_encoding(encoding_), &reply, &error)) {
    throw std::runtime_error("online reply does not parse: " + error);
  }
  return reply;
}

v1::OnlineReply OnlineClient::send(const v1::PresenceBatch& batch, Timeout timeout) {
  write(batch, timeout);
  auto reply = read(timeout);
  if (!reply) throw tools::client::TimeoutError("no reply to a batch within the timeout");
  return *reply;
}

v1::PresenceResult OnlineClient::apply(const v1::PresenceBatch& batch, Timeout timeout) {
  const auto reply = send(batch, timeout);
  EXPECT_TRUE(reply.has_result()) << reply.DebugString();
  EXPECT_EQ(reply.result().acks_size(), batch.events_size());
  return reply.result();
}

void OnlineClient::send_raw(std::string_view data, bool text, Timeout timeout) {
  connection_.write(data, text, timeout);
}

// ---------------------------------------------------------------------------------------------
// BeaconSocket

struct BeaconSocket::Impl {
  asio::io_context ioc;
  std::optional<websocket::stream<beast::tcp_stream>> ws;

  // Runs handlers until `done()` or the deadline; true when done.
  template <class Done>
  bool run_until(Done done, Clock::time_point deadline) {
    ioc.restart();
    while (!done()) {
      if (ioc.run_one_until(deadline) == 0 && !done()) return false;
    }
    return true;
  }

  void close_socket() {
    if (!ws) return;
    beast::error_code ignored;
    beast::get_lowest_layer(*ws).socket().close(ignored);
  }
};

BeaconSocket::BeaconSocket() : impl_(std::make_unique<Impl>()) {}

BeaconSocket::~BeaconSocket() {
  impl_->close_socket();
  impl_->ioc.restart();
  impl_->ioc.run_for(100ms);  // let cancelled operations finish while the stream exists
}

void BeaconSocket::open(const std::string& host, unsigned short port, const std::string& event,
                        const std::string& participant, const std::string& country,
                        const std::string& badge, Timeout timeout) {
  auto& s = *impl_;
  s.ws.emplace(s.ioc);
  const auto deadline = Clock::now() + timeout;
  auto target = tools::client::channel_target("/v1/online", event) +
                "&participant=" + tools::client::percent_encode(participant);
  if (!country.empty()) target += "&country=" + tools::client::percent_encode(country);
  if (!badge.empty()) target += "&badge=" + tools::client::percent_encode(badge);

  auto& stream = beast::get_lowest_layer(*s.ws);
  stream.expires_at(deadline);
  const auto endpoints = asio::ip::tcp::resolver(s.ioc).resolve(host, std::to_string(port));
  bool done = false;
  beast::error_code ec;
  stream.async_connect(endpoints, [&](beast::error_code e, const asio::ip::tcp::endpoint&) {
    ec = e;
    if (ec) {
      done = true;
      return;
    }
    s.ws->set_option(websocket::stream_base::decorator([](websocket::request_type& request) {
      request.set(beast::http::field::authorization, "Bearer " + online_tokens().platform);
    }));
    s.ws->async_handshake(host + ":" + std::to_string(port), target, [&](beast::error_code e2) {
      ec = e2;
      done = true;
    });
  });
  if (!s.run_until([&] { return done; }, deadline + 1s)) ec = beast::error::timeout;
  stream.expires_never();
  if (ec) throw std::runtime_error("beacon " + participant + ": " + ec.message());
}

void BeaconSocket::close_cleanly(Timeout timeout) {
  auto& s = *impl_;
  bool done = false;
  s.ws->async_close(websocket::close_code::normal, [&](beast::error_code) { done = true; });
  s.run_until([&] { return done; }, Clock::now() + timeout);
  s.close_socket();
}

void BeaconSocket::drop() {
  auto& s = *impl_;
  beast::error_code ignored;
  beast::get_lowest_layer(*s.ws).socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  s.close_socket();
}

void BeaconSocket::reset() {
  auto& s = *impl_;
  beast::error_code ignored;
  // Linger on with a zero timeout: close() sends RST instead of FIN.
  beast::get_lowest_layer(*s.ws).socket().set_option(asio::socket_base::linger(true, 0), ignored);
  s.close_socket();
}

std::optional<BeaconSocket::Ending> BeaconSocket::read_until_closed(Timeout timeout) {
  auto& s = *impl_;
  const auto deadline = Clock::now() + timeout;
  Ending ending;
  for (;;) {
    beast::flat_buffer buffer;
    bool done = false;
    beast::error_code ec;
    s.ws->async_read(buffer, [&](beast::error_code e, std::size_t) {
      ec = e;
      done = true;
    });
    if (!s.run_until([&] { return done; }, deadline)) return std::nullopt;
    if (!ec) {
      ending.frames.push_back(beast::buffers_to_string(buffer.data()));
      continue;
    }
    if (ec == websocket::error::closed) {
      ending.code = static_cast<int>(s.ws->reason().code);
      ending.reason = std::string(s.ws->reason().reason.c_str());
    } else {
      ending.code = 1006;
      ending.reason = ec.message();
    }
    return ending;
  }
}

// ---------------------------------------------------------------------------------------------
// AnsweringBeacon

AnsweringBeacon::AnsweringBeacon(const std::string& host, unsigned short port,
                                 const std::string& event, const std::string& participant,
                                 const std::string& country) {
  auto target = tools::client::channel_target("/v1/online", event) +
                "&participant=" + tools::client::percent_encode(participant);
  if (!country.empty()) target += "&country=" + tools::client::percent_encode(country);
  connection_.set_token(online_tokens().platform);
  connection_.connect(host, port, target, "", 5s);
  // The connection moves to the reader thread; the test thread touches it again after join().
  reader_ = std::thread([this] {
    try {
      while (!stop_) connection_.read(100ms);
    } catch (const tools::client::ClosedError&) {
      closed_by_server_ = true;
    }
  });
}

AnsweringBeacon::~AnsweringBeacon() {
  close();
}

void AnsweringBeacon::close() {
  if (!reader_.joinable()) return;
  stop_ = true;
  reader_.join();
  connection_.close();
}

// ---------------------------------------------------------------------------------------------
// Signatures

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kDigits[digest[i] >> 4]);
    hex.push_back(kDigits[digest[i] & 15]);
  }
  return hex;
}

std::string zoom_signature(std::string_view secret, std::string_view timestamp,
                           std::string_view body) {
  std::string message = "v0:";
  message.append(timestamp).append(":").append(body);
  return "v0=" + hmac_sha256_hex(secret, message);
}

// ---------------------------------------------------------------------------------------------
// Fixture

void OnlineTest::SetUp() {
  ASSERT_TRUE(support::import_registry(redis_, kOnlineEvent, kOnlineRegistry));
  online_tokens() = {.platform = support::issue_token(redis_, kOnlineEvent, v1::platform),
                     .display = support::issue_token(redis_, kOnlineEvent, v1::display),
                     .organizer = support::issue_token(redis_, kOnlineEvent, v1::organizer),
                     .desk = support::issue_token(redis_, kOnlineEvent, v1::desk)};
}

void OnlineTest::TearDown() {
  for (auto& gateway : gateways_) {
    if (std::find(stopped_.begin(), stopped_.end(), gateway.get()) != stopped_.end()) continue;
    EXPECT_TRUE(gateway->alive()) << "a gateway died:\n" << gateway->log();
  }
}

support::GatewayProcess& OnlineTest::start_gateway(std::vector<std::string> args) {
  gateways_.push_back(std::make_unique<support::GatewayProcess>(redis_.url(), std::move(args)));
  return *gateways_.back();
}

void OnlineTest::stop_gateway(support::GatewayProcess& gateway, int signal) {
  stopped_.push_back(&gateway);
  gateway.stop(signal);
}

v1::Totals OnlineTest::totals(support::GatewayProcess& gateway) {
  return support::http_totals(gateway, std::string("/v1/events/") + kOnlineEvent + "/totals",
                              online_tokens().organizer, 10s);
}

std::pair<bool, v1::Totals> OnlineTest::wait_for(support::GatewayProcess& gateway,
                                                 const std::function<bool(const v1::Totals&)>& done,
                                                 Timeout timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    auto now = totals(gateway);
    if (done(now)) return {true, std::move(now)};
    if (Clock::now() >= deadline) return {false, std::move(now)};
    std::this_thread::sleep_for(50ms);
  }
}

std::unique_ptr<OnlineClient> OnlineTest::bridge(support::GatewayProcess& gateway,
                                                 Encoding encoding, const std::string& bridge_id) {
  auto client = std::make_unique<OnlineClient>();
  client->connect(gateway.host(), gateway.port(), kOnlineEvent, encoding, bridge_id);
  return client;
}

}  // namespace rollcall::tests::integration
