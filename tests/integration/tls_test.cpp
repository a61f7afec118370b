// TLS on every endpoint, end to end: a throwaway CA and a certificate for 127.0.0.1 are made in
// the run with the openssl CLI; the real gateway serves them. Desks and displays over wss, totals
// over https; plain-HTTP and untrusting clients are refused while the gateway keeps serving; a
// silent client is cut off after the handshake timeout; logs come as one JSON object per line.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>
#include <boost/json/parse.hpp>

#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "gateway/server/json_log_format.h"
#include "rollcall/v1/rollcall.pb.h"
#include "services/wire/codec.h"
#include "tests/support/gateway_process.h"
#include "tests/support/redis_server.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/tokens.h"
#include "tools/client/errors.h"
#include "tools/client/http_get.h"
#include "tools/client/target.h"
#include "tools/client/websocket_connection.h"

namespace rollcall::tests::integration {
namespace {

using namespace std::chrono_literals;
using services::wire::Encoding;
using support::GatewayProcess;
using support::RedisServer;
using tools::client::HandshakeError;
using tools::client::TlsOptions;
using tools::client::WebSocketConnection;

constexpr const char* kEvent = "tls-2025";
constexpr const char* kRegistry =
    "badge_id,country,category,name,organization,revoked\n"
    "M1,CH,minister,Anna Muster,Federal Council,\n"
    "M2,KE,minister,Amina Odhiambo,Ministry of ICT,\n";

std::string run_ok(const std::vector<std::string>& argv) {
  std::string output;
  EXPECT_EQ(support::run_program(argv, &output), 0) << output;
  return output;
}

// A self-signed CA (EC P-256) in dir/NAME.pem and dir/NAME.key.
void make_ca(const std::string& dir, const std::string& name) {
  run_ok({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
          "-nodes", "-keyout", dir + "/" + name + ".key", "-out", dir + "/" + name + ".pem",
          "-days", "2", "-subj", "/CN=rollcall test " + name});
}

// A server certificate for 127.0.0.1 signed by the CA `ca`: dir/server.pem, dir/server.key.
void make_server_certificate(const std::string& dir, const std::string& ca) {
  run_ok({"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
          "-nodes", "-keyout", dir + "/server.key", "-out", dir + "/server.csr", "-subj",
          "/CN=127.0.0.1"});
  std::ofstream(dir + "/server.ext") << "subjectAltName=IP:127.0.0.1\n"
                                        "extendedKeyUsage=serverAuth\n"
                                        "basicConstraints=critical,CA:FALSE\n";
  run_ok({"openssl", "x509", "-req", "-in", dir + "/server.csr", "-CA", dir + "/" + ca + ".pem",
          "-CAkey", dir + "/" + ca + ".key", "-CAcreateserial", "-out", dir + "/server.pem",
          "-days", "2", "-extfile", dir + "/server.ext"});
}

class Tls : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = redis_.data_dir();
    ASSERT_TRUE(support::import_registry(redis_, kEvent, kRegistry));
    make_ca(dir_, "ca");
    make_ca(dir_, "stranger-ca");
    make_server_certificate(dir_, "ca");
    trusted_.ca_file = dir_ + "/ca.pem";
    untrusting_.ca_file = dir_ + "/stranger-ca.pem";
  }

  GatewayProcess& gateway(std::vector<std::string> args = {}) {
    args.insert(args.end(), {"--tick-ms", "20", "--tls-cert", dir_ + "/server.pem", "--tls-key",
                             dir_ + "/server.key", "--log-format", "json"});
    gateway_ = std::make_unique<GatewayProcess>(redis_.url(), args);
    return *gateway_;
  }

  std::string token(v1::Role role) { return support::issue_token(redis_, kEvent, role); }

  std::unique_ptr<WebSocketConnection> channel(GatewayProcess& g, const std::string& path,
                                               v1::Role role) {
    auto connection = std::make_unique<WebSocketConnection>();
    connection->set_tls(trusted_);
    connection->set_token(token(role));
    connection->connect(g.host(), g.port(), tools::client::channel_target(path, kEvent), "", 5s);
    return connection;
  }

  v1::ScanResult scan(WebSocketConnection& desk, const std::string& scan_id,
                      const std::string& badge) {
    v1::ScanRequest request;
    request.set_scan_id(scan_id);
    request.set_badge_id(badge);
    request.set_desk_id("desk-tls");
    request.set_zone("hall");
    request.set_direction(v1::in);
    desk.write(services::wire::encode(request, Encoding::binary), false, 5s);
    const auto frame = desk.read(10s);
    v1::ScanResult result;
    EXPECT_TRUE(frame.has_value()) << "no answer to scan " << scan_id;
    if (frame) {
      EXPECT_TRUE(services::wire::decode(frame->data, Encoding::binary, &result, nullptr));
    }
    return result;
  }

  tools::client::HttpResponse https(GatewayProcess& g, const std::string& target,
                                    const tools::client::Headers& headers = {}) {
    return tools::client::https_get(g.host(), g.port(), target, headers, trusted_, 10s);
  }

  // rollcall_limit_rejections_total{limit="tls_handshake"}, 0 while absent.
  long tls_rejections(GatewayProcess& g) {
    const auto body = https(g, "/metrics").body;
    const std::string name = "rollcall_limit_rejections_total{limit=\"tls_handshake\"} ";
    const auto at = body.find(name);
    return at == std::string::npos ? 0 : std::stol(body.substr(at + name.size()));
  }

  // The counter, once it has reached `expected` (the gateway counts a failed handshake when it
  // sees the client's alert, which may be just after the client gave up), or its last value.
  long tls_rejections_reaching(GatewayProcess& g, long expected) {
    long seen = 0;
    for (int i = 0; i < 200 && (seen = tls_rejections(g)) < expected; ++i) {
      std::this_thread::sleep_for(25ms);
    }
    return seen;
  }

  RedisServer redis_;
  std::string dir_;
  TlsOptions trusted_;
  TlsOptions untrusting_;
  std::unique_ptr<GatewayProcess> gateway_;
};

TEST_F(Tls, DeskScansAndDisplayFollowsOverWss) {
  auto& g = gateway();
  auto display = channel(g, "/v1/display", v1::display);
  const auto first = display->read(10s);
  ASSERT_TRUE(first.has_value()) << "no snapshot over wss";
  v1::DisplayMessage snapshot;
  ASSERT_TRUE(services::wire::decode(first->data, Encoding::binary, &snapshot, nullptr));
  ASSERT_TRUE(snapshot.has_snapshot()) << snapshot.DebugString();
  EXPECT_EQ(snapshot.snapshot().event_id(), kEvent);
  EXPECT_EQ(snapshot.snapshot().onsite(), 0);

  auto desk = channel(g, "/v1/desk", v1::desk);
  const auto result = scan(*desk, "tls-scan-1", "M1");
  EXPECT_EQ(result.status(), v1::accepted) << result.reason();
  EXPECT_EQ(result.attendee().badge_id(), "M1");
  // A replay over the same encrypted channel is answered from the log, not counted again.
  const auto replay = scan(*desk, "tls-scan-1", "M1");
  EXPECT_TRUE(replay.replay());

  // The display hears of it over wss (an update, or a snapshot after a gap).
  int onsite = 0;
  for (int frames = 0; frames < 50 && onsite != 1; ++frames) {
    const auto frame = display->read(10s);
    ASSERT_TRUE(frame.has_value()) << "the display heard nothing of the scan";
    v1::DisplayMessage message;
    ASSERT_TRUE(services::wire::decode(frame->data, Encoding::binary, &message, nullptr));
    if (message.has_snapshot()) onsite = message.snapshot().onsite();
    if (message.has_update() && message.update().totals().has_onsite()) {
      onsite = message.update().totals().onsite();
    }
  }
  EXPECT_EQ(onsite, 1);
  desk->close();
  display->close();
}

// Over the frame rate on wss: the gateway writes its 1008 close through TLS itself and ends the
// connection (close_notify), in seconds; its place is free, other desks are served.
TEST_F(Tls, AFloodingDeskIsClosedWith1008AndTheGatewayKeepsServing) {
  auto& g = gateway({"--messages-per-second", "5"});  // bursts of 50 frames
  auto flooder = channel(g, "/v1/desk", v1::desk);
  const auto started = std::chrono::steady_clock::now();
  try {
    for (int i = 0; i < 200; ++i) flooder->write("", false, 5s);
    while (std::chrono::steady_clock::now() - started < 10s) flooder->read(1s);
  } catch (const tools::client::ClosedError&) {
  }
  ASSERT_TRUE(flooder->close_info()) << "the flooding desk is still open after 10 s";
  EXPECT_EQ(flooder->close_info()->code, 1008);
  EXPECT_EQ(flooder->close_info()->reason, "too many frames per second");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);

  auto desk = channel(g, "/v1/desk", v1::desk);
  EXPECT_EQ(scan(*desk, "after-flood", "M1").status(), v1::accepted);
  const auto metrics = https(g, "/metrics").body;
  EXPECT_NE(metrics.find("rollcall_connections{channel=\"desk\"} 1\n"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("rollcall_limit_rejections_total{limit=\"message_rate\"} 1\n"),
            std::string::npos)
      << metrics;
  desk->close();
}

TEST_F(Tls, TotalsOverHttpsNeedAnOrganizerOrDisplayToken) {
  auto& g = gateway();
  {
    auto desk = channel(g, "/v1/desk", v1::desk);
    ASSERT_EQ(scan(*desk, "tls-scan-2", "M2").status(), v1::accepted);
  }
  const std::string target = std::string("/v1/events/") + kEvent + "/totals";
  const auto totals = https(g, target, tools::client::bearer(token(v1::organizer)));
  ASSERT_EQ(totals.status, 200) << totals.body;
  v1::Totals parsed;
  ASSERT_TRUE(services::wire::decode(totals.body, Encoding::json, &parsed, nullptr)) << totals.body;
  EXPECT_EQ(parsed.event_id(), kEvent);
  EXPECT_EQ(parsed.onsite(), 1);
  // TLS is no substitute for a token: the same request without one, or with a desk's, is refused.
  EXPECT_EQ(https(g, target).status, 401);
  EXPECT_EQ(https(g, target, tools::client::bearer(token(v1::desk))).status, 403);
  // Exports stream over TLS too (organizers only).
  const auto csv = https(g, std::string("/v1/events/") + kEvent + "/exports/countries.csv",
                         tools::client::bearer(token(v1::organizer)));
  EXPECT_EQ(csv.status, 200) << csv.body;
  EXPECT_NE(csv.body.find("KE"), std::string::npos) << csv.body;
}

TEST_F(Tls, PlainHttpOnTheTlsPortIsRefusedAndTheGatewayKeepsServing) {
  auto& g = gateway();
  const auto plain = tools::client::http_get(g.host(), g.port(), "/healthz");
  EXPECT_EQ(plain.status, 400);
  EXPECT_NE(plain.body.find("tls_required"), std::string::npos) << plain.body;
  // A plain ws:// upgrade is refused the same way, before any channel is opened.
  WebSocketConnection ws;
  ws.set_token(token(v1::desk));
  try {
    ws.connect(g.host(), g.port(), tools::client::channel_target("/v1/desk", kEvent), "", 5s);
    ADD_FAILURE() << "a plain WebSocket was opened on the TLS port";
  } catch (const HandshakeError& e) {
    EXPECT_EQ(e.status(), 400);
  }
  EXPECT_EQ(https(g, "/healthz").status, 200);
  EXPECT_EQ(tls_rejections_reaching(g, 2), 2);
  EXPECT_TRUE(g.alive());
}

TEST_F(Tls, AClientThatDoesNotTrustTheCertificateFailsTheHandshake) {
  auto& g = gateway();
  EXPECT_THROW(tools::client::https_get(g.host(), g.port(), "/healthz", {}, untrusting_, 10s),
               std::runtime_error);
  WebSocketConnection ws;
  ws.set_tls(untrusting_);
  ws.set_token(token(v1::display));
  try {
    ws.connect(g.host(), g.port(), tools::client::channel_target("/v1/display", kEvent), "", 5s);
    ADD_FAILURE() << "connected over wss to a server the client does not trust";
  } catch (const tools::client::TimeoutError& e) {
    ADD_FAILURE() << "the handshake should fail, not hang: " << e.what();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("TLS handshake"), std::string::npos) << e.what();
  }
  // The name matters as much as the CA: the certificate is for 127.0.0.1, not "localhost".
  EXPECT_THROW(tools::client::https_get("localhost", g.port(), "/healthz", {}, trusted_, 10s),
               std::runtime_error);
  EXPECT_EQ(https(g, "/healthz").status, 200);
  EXPECT_EQ(tls_rejections_reaching(g, 3), 3);
}

TEST_F(Tls, ASilentClientIsCutOffAfterTheHandshakeTimeout) {
  auto& g = gateway({"--tls-handshake-timeout", "1"});
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  const timeval limit{20, 0};  // far longer than the gateway's second: a bound, not a measure
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(g.port());
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  char byte = 0;
  const auto n = ::read(fd, &byte, 1);  // says nothing: the gateway must hang up
  ::close(fd);
  EXPECT_EQ(n, 0) << "the gateway kept a silent connection open";
  EXPECT_EQ(tls_rejections_reaching(g, 1), 1);
}

TEST_F(Tls, LogsAreOneJsonObjectPerLine) {
  auto& g = gateway();
  EXPECT_EQ(https(g, "/healthz").status, 200);
  std::istringstream lines(g.log());
  std::string line;
  int parsed = 0;
  bool saw_listening = false;
  while (std::getline(lines, line)) {
    boost::system::error_code ec;
    const auto value = boost::json::parse(line, ec);
    ASSERT_FALSE(ec) << "not JSON: " << line;
    ASSERT_TRUE(value.is_object()) << line;
    const auto& object = value.as_object();
    for (const char* field : {"time", "level", "message"}) {
      ASSERT_TRUE(object.contains(field) && object.at(field).is_string()) << line;
    }
    const std::string message(object.at("message").as_string());
    saw_listening = saw_listening || message.find("listening") != std::string::npos;
    ++parsed;
  }
  EXPECT_GT(parsed, 0);
  EXPECT_TRUE(saw_listening) << g.log();
}

// The formatter behind --log-format json, fed what clients can put in a message: quotes,
// backslashes, control characters, and bytes that are not UTF-8.
TEST(JsonLogFormat, EveryMessageIsOneParsableLineWithTheMessageIntact) {
  std::ostringstream out;
  spdlog::logger logger("json-test", std::make_shared<spdlog::sinks::ostream_sink_st>(out));
  logger.set_formatter(gateway::server::make_json_log_formatter());
  const std::string replacement = "\xef\xbf\xbd";  // U+FFFD
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"plain words", "plain words"},
      {R"(quote " backslash \ slash /)", R"(quote " backslash \ slash /)"},
      {std::string("nul \0 tab \t newline \n bell \x07 del \x7f", 34),
       std::string("nul \0 tab \t newline \n bell \x07 del \x7f", 34)},
      {"accents \xc3\xa9\xc3\xbc, check \xe2\x9c\x93, clef \xf0\x9d\x84\x9e",
       "accents \xc3\xa9\xc3\xbc, check \xe2\x9c\x93, clef \xf0\x9d\x84\x9e"},
      {"stray \xff\xfe bytes", "stray " + replacement + replacement + " bytes"},
      {"cut short \xe2\x82", "cut short " + replacement + replacement},
      {"overlong \xc0\xaf", "overlong " + replacement + replacement},
      {"surrogate \xed\xa0\x80", "surrogate " + replacement + replacement + replacement},
  };
  for (const auto& [message, expected] : cases) logger.warn("{}", message);

  std::istringstream lines(out.str());
  std::string line;
  std::size_t index = 0;
  while (std::getline(lines, line)) {
    ASSERT_LT(index, cases.size()) << line;
    boost::system::error_code ec;
    const auto value = boost::json::parse(line, ec);
    ASSERT_FALSE(ec) << "not JSON: " << line;
    const auto& object = value.as_object();
    EXPECT_EQ(object.at("level").as_string(), "warning");
    EXPECT_FALSE(object.at("time").as_string().empty());
    EXPECT_EQ(std::string(object.at("message").as_string()), cases[index].second) << line;
    ++index;
  }
  EXPECT_EQ(index, cases.size());
}

}  // namespace
}  // namespace rollcall::tests::integration
