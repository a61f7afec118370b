// Every route of the catalogue (rollcall-gateway --list-routes), so that a route added later is
// tried without anyone adding a case: each identity (no token, a made-up one, another event's
// organizer, each role) gets exactly what the route's guard says, and absurd event ids (10 KB,
// invalid UTF-8, control characters, NUL, JSON and path look-alikes) get a bounded, valid UTF-8
// error, never a 5xx, never a crash.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "services/auth/access.h"
#include "services/export/export_job.h"
#include "services/registry/utf8.h"
#include "services/store/keys.h"
#include "tests/attack/support/http_catalogue.h"
#include "tests/attack/support/http_raw.h"
#include "tests/attack/support/http_world.h"
#include "tests/support/tokens.h"
#include "tools/client/errors.h"
#include "tools/client/target.h"
#include "tools/client/websocket_connection.h"

namespace rollcall::tests::attack::web {
namespace {

using namespace std::chrono_literals;
using services::registry::is_valid_utf8;
using tools::client::percent_encode;

// How much of a reply's message may come from the client: quote_input's 128 bytes and the
// fixed words around them.
constexpr std::size_t kMaxMessage = 300;

std::vector<std::string> absurd_event_ids() {
  std::string many_smileys;
  for (int i = 0; i < 1500; ++i) many_smileys += "\xF0\x9F\x99\x82";
  std::string accents;
  for (int i = 0; i < 70; ++i) accents += "\xC3\xA9";
  return {
      std::string(10 * 1024, 'a'),
      "\xFF\xFE\xFD",
      "\xC0\xAF\xC0\xAE",  // overlong "/" and "."
      "\xED\xA0\x80"
      "x",                                // a surrogate
      "\x01\x02\x1B[31mred\x7F\r\nX: y",  // control characters, a header look-alike
      std::string("\0abc", 4),            // NUL
      std::string(3000, '\xFF'),
      std::string(2000, '\x01'),
      many_smileys,      // 6 KB of valid 4-byte characters (18 KB encoded)
      accents + "\xFF",  // cut inside a character
      "\"}{\"code\":\"injected",
      "../../etc/passwd",
      "%00",
      "a/b",
      " ",
  };
}

class HttpRoutes : public ::testing::Test {
 protected:
  void SetUp() override {
    world_.redis().command(
        {"HSET", services::store::secrets_key(HttpWorld::kEvent), "zoom", "attack-secret"});
    gateway_ = &world_.start_gateway();
  }

  // What a request to `route` gets: an HTTP status, or for a WebSocket the close code after the
  // upgrade (0 when it stayed open) — and the words that came with it, to check for echoes.
  struct Verdict {
    int status = 0;                  // HTTP status; 101 when the WebSocket upgrade went through
    int close_code = 0;              // WebSocket: 0 when the channel stayed open
    std::vector<std::string> texts;  // bodies, close reasons, error frames
  };

  Verdict ask(const CatalogueRoute& route, const std::string& target, const std::string& token) {
    Verdict verdict;
    if (route.websocket) {
      tools::client::WebSocketConnection connection;
      connection.set_token(token);
      try {
        // JSON frames, so an error frame can be read for what it quotes.
        connection.connect(gateway_->host(), gateway_->port(), target, "rollcall.v1.json", 10s);
        verdict.status = 101;
        for (int i = 0; i < 3; ++i) {  // a display's snapshot or error frame, then the close
          const auto frame = connection.read(700ms);
          if (!frame) break;
          verdict.texts.push_back(frame->data);
        }
      } catch (const tools::client::HandshakeError& e) {
        verdict.status = e.status();
        verdict.texts.push_back(e.body());
      } catch (const tools::client::ClosedError& e) {
        verdict.close_code = e.code();
        verdict.texts.push_back(e.reason());
      }
      return verdict;
    }
    std::string request = route.method() + " " + target + " HTTP/1.1\r\nHost: x\r\n";
    if (!token.empty()) request += "Authorization: Bearer " + token + "\r\n";
    if (route.method() == "POST")
      request += "Content-Type: application/json\r\nContent-Length: 2\r\n";
    request += "Connection: close\r\n\r\n";
    if (route.method() == "POST") request += "{}";
    const auto exchange = raw_exchange(gateway_->host(), gateway_->port(), request, 10s);
    EXPECT_EQ(exchange.responses.size(), 1u) << target;
    if (!exchange.responses.empty()) {
      verdict.status = exchange.responses[0].status;
      const auto& body = exchange.responses[0].body;
      // A document (the badge PDF) is bytes, not words: checked for what it is, not quoted.
      if (exchange.responses[0].header("Content-Type") == "application/pdf") {
        EXPECT_TRUE(body.starts_with("%PDF-")) << target;
        verdict.texts.push_back("[" + std::to_string(body.size()) + " bytes of PDF]");
      } else {
        verdict.texts.push_back(body);
      }
    }
    return verdict;
  }

  // An answer that may quote client input: bounded and valid UTF-8, JSON messages included.
  static void expect_bounded(const Verdict& verdict) {
    EXPECT_NE(verdict.status, 0) << "no answer";
    EXPECT_LT(verdict.status, 500);
    for (const auto& text : verdict.texts) {
      EXPECT_TRUE(is_valid_utf8(text)) << text;
      // A served resource (metrics, a page) is as long as it is; what answers a request with
      // an error, or closes a socket, quotes the client and must stay short.
      if (verdict.status != 200) EXPECT_LE(text.size(), 1024u) << text.substr(0, 2000);
      boost::system::error_code ec;
      const auto json = boost::json::parse(text, ec);
      if (ec) continue;  // a close reason, a page
      if (const auto* object = json.if_object(); object && object->contains("message")) {
        const auto& message = object->at("message").as_string();
        EXPECT_LE(message.size(), kMaxMessage) << message;
      }
      if (const auto* object = json.if_object(); object && object->contains("error")) {
        const auto& error = object->at("error").as_object();
        if (error.contains("message"))
          EXPECT_LE(error.at("message").as_string().size(), kMaxMessage);
      }
    }
  }

  HttpWorld world_;
  support::GatewayProcess* gateway_ = nullptr;
};

TEST_F(HttpRoutes, TheCatalogueListsEveryKindOfRoute) {
  const auto routes = route_catalogue();
  std::size_t websocket = 0, token = 0, with_event = 0;
  for (const auto& route : routes) {
    websocket += route.websocket;
    token += route.guard == "token";
    with_event += route.takes_event();
    if (route.guard == "token") EXPECT_FALSE(route.roles.empty()) << route.pattern;
  }
  EXPECT_GT(websocket, 0u);
  EXPECT_GT(token, 0u);
  EXPECT_GT(with_event, 0u);
  std::cout << "[ figures ] " << routes.size() << " routes: " << websocket << " WebSocket, "
            << token << " behind a token, " << with_event << " naming an event\n";
}

TEST_F(HttpRoutes, EveryIdentityGetsWhatTheGuardSays) {
  std::size_t asked = 0;
  for (const auto& route : route_catalogue()) {
    const auto target = route.target(HttpWorld::kEvent);
    for (const auto& identity : world_.identities()) {
      SCOPED_TRACE(route.method() + " " + target + " as " + identity.name);
      const auto verdict = ask(route, target, identity.token);
      ++asked;
      expect_bounded(verdict);
      if (route.guard == "token") {
        const bool let_in = identity.has_role && route.admits(identity.name);
        const int refusal = identity.has_role ? 403 : 401;
        if (route.websocket) {
          EXPECT_EQ(verdict.status, 101);
          EXPECT_EQ(verdict.close_code, let_in ? 0 : 4000 + refusal);
        } else if (let_in && route.method() == "POST") {
          // Past the guard, the empty body sent here is the route's to judge (400, 422).
          EXPECT_TRUE(verdict.status == 200 || verdict.status == 400 || verdict.status == 422)
              << verdict.status;
        } else if (let_in) {
          EXPECT_EQ(verdict.status, 200);
        } else {
          EXPECT_EQ(verdict.status, refusal);
        }
      } else if (route.guard == "zoom_signature") {
        EXPECT_EQ(verdict.status, 401);  // no signature: tokens do not stand in for one
      } else {
        EXPECT_NE(verdict.status, 401);
        EXPECT_NE(verdict.status, 403);
      }
    }
  }
  EXPECT_TRUE(gateway_->alive());
  std::cout << "[ figures ] " << asked << " route x identity requests\n";
}

TEST_F(HttpRoutes, AbsurdEventIdsGetABoundedValidAnswer) {
  const auto ids = absurd_event_ids();
  std::size_t asked = 0;
  for (const auto& route : route_catalogue()) {
    for (const auto& id : ids) {
      const auto encoded = percent_encode(id);
      // Routes without an event get the absurd text as a path below them instead.
      const auto target = route.takes_event()
                              ? route.target(encoded)
                              : route.example.substr(0, route.example.find('?')) + "/" + encoded;
      std::vector<std::string> tokens = {""};
      if (route.guard == "token") {
        // A token of that very event, so the request gets past the guard to the event lookup
        // (and its "no such event" answer, which quotes the id).
        tokens.push_back(
            issue_token_as(world_.redis(), route.token_owner(id), *route.roles.begin()));
      }
      for (const auto& token : tokens) {
        SCOPED_TRACE(route.pattern + " with event of " + std::to_string(id.size()) +
                     " bytes, token: " + (token.empty() ? "none" : "of that event"));
        const auto verdict = ask(route, target, token);
        ++asked;
        expect_bounded(verdict);
        if (route.websocket && verdict.status == 101 && !token.empty()) {
          EXPECT_EQ(verdict.close_code, 1008);  // unknown event
        }
        if (HasFailure()) return;
      }
    }
    // Raw bytes that are no URL at all: refused before any route, still bounded.
    for (const std::string& raw :
         std::vector<std::string>{std::string("\xFF\xFE"), std::string("\xC3\xA9\x01")}) {
      const auto target = route.takes_event() ? route.target(raw) : route.example + raw;
      const auto verdict = ask(route, target, "");
      ++asked;
      expect_bounded(verdict);
    }
    ASSERT_TRUE(gateway_->alive()) << gateway_->log();
  }
  EXPECT_EQ(raw_get(gateway_->host(), gateway_->port(), "/healthz").status, 200);
  std::cout << "[ figures ] " << ids.size() << " absurd ids, " << asked << " requests\n";
}

// Every export the export library knows, name x format, read from services/export itself (every
// value its enums name), so a table or format added later is tried too: through every export
// route of the catalogue, each identity gets what the guard says, and an organizer gets the export
// (with its content type) or, when the pair makes no export, a 400 that says why. Names that are
// no export, absurd ones included, get a bounded 404.
TEST_F(HttpRoutes, EveryExportOfTheCatalogue) {
  namespace ex = services::exporting;
  std::vector<std::pair<ex::Table, ex::Format>> pairs;
  for (int t = 0; !ex::table_name(static_cast<ex::Table>(t)).empty(); ++t) {
    for (int f = 0; !ex::format_name(static_cast<ex::Format>(f)).empty(); ++f) {
      pairs.emplace_back(static_cast<ex::Table>(t), static_cast<ex::Format>(f));
    }
  }
  std::vector<CatalogueRoute> exports;
  for (const auto& route : route_catalogue()) {
    if (route.pattern.find("{file}") != std::string::npos) exports.push_back(route);
  }
  ASSERT_FALSE(exports.empty()) << "no export route in the catalogue";
  std::size_t asked = 0, served = 0;
  const auto get = [&](const CatalogueRoute& route, const std::string& file,
                       const std::string& token) {
    auto target = route.pattern;
    target.replace(target.find("{event}"), 7, HttpWorld::kEvent);
    target.replace(target.find("{file}"), 6, percent_encode(file));
    std::string request = "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n";
    if (!token.empty()) request += "Authorization: Bearer " + token + "\r\n";
    const auto exchange = raw_exchange(gateway_->host(), gateway_->port(), request + "\r\n", 20s);
    ++asked;
    EXPECT_EQ(exchange.responses.size(), 1u) << target;
    return exchange.responses.empty() ? RawResponse{} : exchange.responses.front();
  };
  for (const auto& route : exports) {
    for (const auto& [table, format] : pairs) {
      const auto file =
          std::string(ex::table_name(table)) + "." + std::string(ex::format_name(format));
      const bool makes_one = ex::options_problem({table, format}).empty();
      for (const auto& identity : world_.identities()) {
        SCOPED_TRACE(route.pattern + " " + file + " as " + identity.name);
        const auto response = get(route, file, identity.token);
        EXPECT_LT(response.status, 500);
        const bool let_in = identity.has_role && route.admits(identity.name);
        if (!let_in) {
          EXPECT_EQ(response.status, identity.has_role ? 403 : 401);
          EXPECT_TRUE(is_valid_utf8(response.body));
        } else if (makes_one) {
          EXPECT_EQ(response.status, 200);
          EXPECT_EQ(response.header("content-type"), ex::content_type(format));
          // JSON Lines of a table without rows is an empty body; a .json is always a document.
          EXPECT_TRUE(!response.body.empty() || format == ex::Format::jsonl);
          ++served;
        } else {
          EXPECT_EQ(response.status, 400);
          EXPECT_LE(response.body.size(), 1024u);
        }
      }
    }
    const auto organizer = world_.token(v1::organizer);
    std::vector<std::string> unknown = {"summary",         "summary.",    ".csv",
                                        "summary.csv.csv", "summary.CSV", "../summary.csv",
                                        "summary.exe"};
    for (const auto& id : absurd_event_ids()) unknown.push_back(id + ".csv");
    for (const auto& file : unknown) {
      SCOPED_TRACE(route.pattern + " " + file.substr(0, 64));
      const auto response = get(route, file, organizer);
      // A name longer than the request line allows is refused before routing (413).
      EXPECT_TRUE(response.status == 404 ||
                  (response.status == 413 && percent_encode(file).size() > 4096))
          << response.status;
      EXPECT_TRUE(is_valid_utf8(response.body)) << response.body.substr(0, 200);
      EXPECT_LE(response.body.size(), 1024u);
    }
  }
  EXPECT_TRUE(gateway_->alive());
  std::cout << "[ figures ] " << pairs.size() << " name x format pairs, " << asked
            << " export requests, " << served << " exports served\n";
}

TEST_F(HttpRoutes, AStaticPathOfInvalidUtf8IsQuotedValid) {
  for (const std::string& target : std::vector<std::string>{
           "/%FF%FE", "/caf%C3%A9%FF", "/%C0%AF" + std::string(3000, 'x'), "/%01%02%1B%5B31m"}) {
    SCOPED_TRACE(target);
    const auto response = raw_get(gateway_->host(), gateway_->port(), target);
    EXPECT_EQ(response.status, 404);
    EXPECT_TRUE(is_valid_utf8(response.body)) << response.body;
    EXPECT_LE(response.body.size(), 512u);
  }
}

}  // namespace
}  // namespace rollcall::tests::attack::web
