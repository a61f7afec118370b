#include "tests/attack/support/ticket_world.h"

#include <gtest/gtest.h>

#include <functional>
#include <sstream>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "services/auth/ticket.h"
#include "services/store/keys.h"
#include "services/wire/codec.h"
#include "tests/support/http_totals.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/tokens.h"
#include "tools/client/target.h"

namespace rollcall::tests::attack::ticket_world {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using Clock = std::chrono::steady_clock;

// ---------------------------------------------------------------------------------------------
// Probe

struct Probe::Impl {
  asio::io_context ioc;  // outlives the stream
  std::optional<websocket::stream<beast::tcp_stream>> ws;
  beast::flat_buffer buffer;
  bool read_pending = false;
  bool read_done = false;
  beast::error_code read_ec;
  bool open = false;

  template <class Done>
  bool run_until(Done done, Clock::time_point deadline) {
    ioc.restart();
    while (!done()) {
      if (ioc.run_one_until(deadline) == 0) {
        if (done()) return true;
        if (Clock::now() >= deadline) return false;
        if (ioc.stopped()) return done();
      }
    }
    return true;
  }
};

Probe::Probe(const std::string& host, unsigned short port, const std::string& target,
             const tools::client::Headers& headers, Millis timeout)
    : impl_(std::make_unique<Impl>()) {
  auto& s = *impl_;
  const auto deadline = Clock::now() + timeout;
  s.ws.emplace(s.ioc);
  auto& stream = beast::get_lowest_layer(*s.ws);
  stream.expires_at(deadline);
  beast::error_code ec;
  bool done = false;
  const auto endpoints = asio::ip::tcp::resolver(s.ioc).resolve(host, std::to_string(port));
  stream.async_connect(endpoints, [&](beast::error_code e, const asio::ip::tcp::endpoint&) {
    ec = e;
    done = true;
  });
  s.run_until([&] { return done; }, Clock::time_point::max());
  if (ec) return;
  s.ws->set_option(websocket::stream_base::decorator([headers](websocket::request_type& request) {
    for (const auto& [name, value] : headers) request.set(name, value);
  }));
  s.ws->read_message_max(16 * 1024 * 1024);
  websocket::response_type response;
  done = false;
  s.ws->async_handshake(response, host + ":" + std::to_string(port), target,
                        [&](beast::error_code e) {
                          ec = e;
                          done = true;
                        });
  s.run_until([&] { return done; }, Clock::time_point::max());
  stream.expires_never();
  if (ec == websocket::error::upgrade_declined) {
    http_status_ = static_cast<int>(response.result_int());
    return;
  }
  if (ec) {
    // The server dropped the connection before answering (a request line it will not read,
    // say): refused all the same.
    http_status_ = response.result_int() != 0 ? static_cast<int>(response.result_int()) : 0;
    return;
  }
  http_status_ = 101;
  s.open = true;
}

Probe::~Probe() {
  close();
  impl_->ioc.restart();
  impl_->ioc.run_for(50ms);
}

int Probe::closed_within(Millis wait) {
  auto& s = *impl_;
  if (!s.open) return close_code_;
  const auto deadline = Clock::now() + wait;
  for (;;) {
    if (!s.read_pending && !s.read_done) {
      s.read_pending = true;
      s.ws->async_read(s.buffer, [&s](beast::error_code e, std::size_t) {
        s.read_pending = false;
        s.read_done = true;
        s.read_ec = e;
      });
    }
    // A read that outlives this call stays pending; the next call picks it up.
    if (!s.run_until([&] { return s.read_done; }, deadline)) return 0;
    s.read_done = false;
    if (!s.read_ec) {
      frames_.push_back(beast::buffers_to_string(s.buffer.data()));
      s.buffer.consume(s.buffer.size());
      continue;
    }
    s.open = false;
    const auto reason = s.ws->reason();
    if (s.read_ec == websocket::error::closed || reason.code != 0) {
      close_code_ = static_cast<int>(reason.code);
      close_reason_ = std::string(reason.reason.data(), reason.reason.size());
    } else {
      close_code_ = 1006;
      close_reason_ = s.read_ec.message();
    }
    return close_code_;
  }
}

void Probe::send(std::string_view data, bool text) {
  auto& s = *impl_;
  if (!s.open) return;
  s.ws->text(text);
  bool done = false;
  s.ws->async_write(asio::buffer(data.data(), data.size()),
                    [&](beast::error_code, std::size_t) { done = true; });
  s.run_until([&] { return done; }, Clock::now() + 5s);
}

void Probe::close() {
  auto& s = *impl_;
  if (!s.ws) return;
  if (s.open) {
    s.open = false;
    bool done = false;
    s.ws->async_close(websocket::close_code::normal, [&](beast::error_code) { done = true; });
    s.run_until([&] { return done; }, Clock::now() + 1s);
  }
  beast::error_code ignored;
  beast::get_lowest_layer(*s.ws).socket().close(ignored);
}

Verdict attempt(const std::string& host, unsigned short port, const std::string& target,
                const tools::client::Headers& headers, Millis wait) {
  Probe probe(host, port, target, headers);
  Verdict verdict{.http_status = probe.http_status()};
  if (probe.upgraded()) {
    verdict.close_code = probe.closed_within(wait);
    verdict.reason = probe.close_reason();
  }
  return verdict;
}

// ---------------------------------------------------------------------------------------------
// AuthWorld

namespace {

constexpr const char* kRegistry =
    "badge_id,country,category,name,organization\n"
    "A1,KE,youth,Wanjiru Kamau,Youth IGF Kenya\n"
    "A2,CH,minister,Anna Keller,OFCOM\n"
    "A3,BR,technical,Pedro Souza,NIC.br\n"
    "A4,,un,Sam Okafor,ITU\n";

}  // namespace

AuthWorld::AuthWorld(std::vector<std::string> gateway_args) {
  for (const char* event : {kEvent, kOtherEvent}) {
    // A constructor: no ASSERT here, the world is not made at all.
    if (const auto imported = support::import_registry(redis_, event, kRegistry); !imported) {
      throw std::runtime_error(imported.message());
    }
  }
  gateway_ = std::make_unique<support::GatewayProcess>(redis_.url(), std::move(gateway_args));
}

const std::string& AuthWorld::token(v1::Role role, const std::string& event) {
  auto& token = tokens_[{event, static_cast<int>(role)}];
  if (token.empty()) token = support::issue_token(redis_, event, role);
  return token;
}

std::string AuthWorld::desk_token(const std::string& desk_id, const std::string& event) {
  return desk_id.empty() ? support::issue_token(redis_, event, v1::desk)
                         : support::issue_desk_token(redis_, event, desk_id);
}

std::string AuthWorld::totals_json(const std::string& event) {
  const auto response = tools::client::http_get(host(), port(), "/v1/events/" + event + "/totals",
                                                tools::client::bearer(token(v1::organizer, event)));
  EXPECT_EQ(response.status, 200) << response.body;
  return response.body;
}

v1::Totals AuthWorld::totals(const std::string& event) {
  return support::http_totals(host(), port(), "/v1/events/" + event + "/totals",
                              token(v1::organizer, event));
}

std::pair<bool, v1::Totals> AuthWorld::wait_for(const std::function<bool(const v1::Totals&)>& done,
                                                Millis timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    auto now = totals();
    if (done(now)) return {true, now};
    if (Clock::now() > deadline) return {false, now};
    std::this_thread::sleep_for(50ms);
  }
}

double AuthWorld::metric(const std::string& series) {
  const auto response = tools::client::http_get(host(), port(), "/metrics");
  std::istringstream lines(response.body);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.starts_with(series + " ")) return std::stod(line.substr(series.size() + 1));
  }
  return 0;
}

int AuthWorld::admin(std::vector<std::string> args, std::string* output) {
  args.insert(args.begin(), ROLLCALL_ADMIN_BIN);
  args.insert(args.end(), {"--redis", redis_.url()});
  return support::run_program(args, output);
}

int AuthWorld::verify(std::string* output, const std::string& event) {
  return support::run_program(
      {ROLLCALL_EXPORT_BIN, "verify", "--event", event, "--redis", redis_.url()}, output);
}

tools::client::HttpResponse AuthWorld::request_ticket(const std::string& body,
                                                      const std::string& token,
                                                      const std::string& event) {
  return tools::client::http_post(
      host(), port(), "/v1/events/" + event + "/tickets", body,
      token.empty() ? tools::client::Headers{} : tools::client::bearer(token));
}

std::string AuthWorld::ticket(const std::string& participant, const std::string& country,
                              const std::string& category, const std::string& badge,
                              const std::string& event) {
  v1::TicketRequest request;
  request.set_participant_id(participant);
  request.set_country(country);
  request.set_category(category);
  request.set_badge_id(badge);
  const auto response =
      request_ticket(services::wire::encode(request, services::wire::Encoding::json),
                     token(v1::platform, event), event);
  EXPECT_EQ(response.status, 200) << response.body;
  v1::TicketGrant grant;
  std::string error;
  EXPECT_TRUE(services::wire::decode(response.body, services::wire::Encoding::json, &grant, &error))
      << error << response.body;
  return grant.ticket();
}

std::string AuthWorld::ticket_key(const std::string& event) {
  const auto hex = redis_.command(
      {"HGET", services::store::secrets_key(event), std::string(services::store::kTicketKeyField)});
  return services::auth::ticket_key_bytes(hex).value_or(std::string());
}

}  // namespace rollcall::tests::attack::ticket_world
