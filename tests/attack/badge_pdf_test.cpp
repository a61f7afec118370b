// Hostile badge ids in every route of the catalogue with a {badge} segment (the badge PDF,
// and any route added later): path traversal, encoded slashes and dots, over-long ids, bad
// UTF-8, NUL, and header-injection characters aimed at the PDF's Content-Disposition file name.
// Never a 5xx, never an injected header, never an unsafe file name, never an unbounded or
// invalid-UTF-8 echo; the gateway is still up and serves the genuine badge afterwards.
#include <gtest/gtest.h>

#include <regex>

#include "services/registry/utf8.h"
#include "tests/attack/support/http_catalogue.h"
#include "tests/attack/support/http_raw.h"
#include "tests/attack/support/http_world.h"
#include "tests/support/tokens.h"

namespace rollcall::tests::attack::web {
namespace {

using services::registry::is_valid_utf8;

// Percent-encoded as they go on the wire: each is one {badge} segment.
std::vector<std::string> hostile_badge_segments() {
  std::string long_plain(10 * 1024, 'A');
  std::string long_encoded;
  for (int i = 0; i < 3000; ++i) long_encoded += "%41";
  std::string long_utf8;
  for (int i = 0; i < 800; ++i) long_utf8 += "%F0%9F%99%82";
  return {
      "..",
      ".",
      "%2E%2E",
      "%2e",
      "..%2F..%2F..%2Fetc%2Fpasswd",
      "A1%2F..%2F..%2Ftotals",
      "%2F",
      "A1%2Fbadge.pdf",
      "%5C..%5C..%5Cwin.ini",
      "A1%5C",
      "....%2F%2F",
      "%252E%252E%252F",  // double encoding: stays "%2E%2E%2F" once decoded
      long_plain,
      long_encoded,
      long_utf8,
      std::string(65, 'B'),
      "%FF%FE%FD",
      "%C0%AF%C0%AE",  // overlong "/" and "."
      "%ED%A0%80",     // a surrogate
      "A1%0D%0ASet-Cookie:%20pwned=1",
      "A1%0AX-Injected:%201",
      "A1%22%3B%20filename%3D%22evil.exe",
      "A1%22",
      "A1%3B",
      "%00",
      "A1%00.pdf",
      "A1%09",
      "%20A1",
      "A1%7F",
      "%1B%5B31m",
      "%7B%22code%22%3A%22injected%22%7D",
      "a1",      // case differs from the real badge
      "A1.pdf",  // looks like a file
      "A1:",     // a valid id that is not registered
  };
}

// What a real badge's file name may look like, and nothing else.
const std::regex kSafeDisposition("attachment; filename=\"badge-[A-Za-z0-9._-]{1,64}\\.pdf\"");

class BadgeSegments : public ::testing::Test {
 protected:
  void SetUp() override {
    v1::TokenRecord registration;
    registration.set_role(v1::desk);
    registration.set_desk_id("reg-1");
    registration.add_scopes(v1::registration);
    registration_ = support::issue_token(world_.redis(), HttpWorld::kEvent, registration);
    gateway_ = &world_.start_gateway();
    for (const auto& route : route_catalogue()) {
      if (!route.websocket && route.pattern.find("{badge}") != std::string::npos) {
        routes_.push_back(route);
      }
    }
  }

  std::string target(const CatalogueRoute& route, const std::string& badge) const {
    std::string path = route.pattern;
    path.replace(path.find("{event}"), 7, HttpWorld::kEvent);
    path.replace(path.find("{badge}"), 7, badge);
    const auto query = route.example.find('?');
    return query == std::string::npos ? path : path + route.example.substr(query);
  }

  const std::string& token_for(const CatalogueRoute& route) const {
    return route.roles.count("organizer") ? world_.token(v1::organizer) : registration_;
  }

  RawResponse send(const CatalogueRoute& route, const std::string& target,
                   const std::string& token) {
    if (route.method() == "GET") return raw_get(gateway_->host(), gateway_->port(), target, token);
    const std::string body = "{}";
    const auto exchange = raw_exchange(
        gateway_->host(), gateway_->port(),
        route.method() + " " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" +
            "Authorization: Bearer " + token + "\r\nContent-Type: application/json\r\n" +
            "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    return exchange.responses.empty() ? RawResponse{} : exchange.responses.front();
  }

  HttpWorld world_;
  std::string registration_;
  support::GatewayProcess* gateway_ = nullptr;
  std::vector<CatalogueRoute> routes_;
};

TEST_F(BadgeSegments, HostileBadgeIdsGetABoundedRefusalAndNoInjectedHeader) {
  ASSERT_FALSE(routes_.empty()) << "the catalogue has no route with a {badge} segment";
  bool saw_pdf_route = false;
  int tried = 0;
  for (const auto& route : routes_) {
    saw_pdf_route = saw_pdf_route || route.pattern.ends_with("/badge.pdf");
    for (const auto& badge : hostile_badge_segments()) {
      const auto t = target(route, badge);
      SCOPED_TRACE(route.method() + " " + route.pattern + " with " + badge.substr(0, 60));
      const auto response = send(route, t, token_for(route));
      ++tried;
      ASSERT_NE(response.status, 0) << "no answer";
      EXPECT_LT(response.status, 500) << response.body;
      EXPECT_GE(response.status, 400) << response.body;  // none of these is a registered badge
      for (const auto& [name, value] : response.headers) {
        EXPECT_NE(name, "Set-Cookie");
        EXPECT_NE(name, "X-Injected");
        EXPECT_EQ(value.find_first_of("\r\n"), std::string::npos);
      }
      const auto disposition = response.header("Content-Disposition");
      if (!disposition.empty()) EXPECT_TRUE(std::regex_match(disposition, kSafeDisposition));
      EXPECT_TRUE(is_valid_utf8(response.body));
      EXPECT_LE(response.body.size(), 600u) << "an unbounded echo";
      // The id may be quoted (quote_input, JSON-escaped), never as raw line breaks.
      EXPECT_EQ(response.body.find_first_of("\r\n"), std::string::npos);
      EXPECT_EQ(response.body.find("root:"), std::string::npos);  // no file was read
    }
  }
  EXPECT_TRUE(saw_pdf_route);
  EXPECT_GT(tried, 30);
  EXPECT_TRUE(gateway_->alive());

  // The genuine badge still prints, with a safe name; an encoded form of its id is the same id.
  for (const auto& route : routes_) {
    if (!route.pattern.ends_with("/badge.pdf")) continue;
    for (const std::string badge : {"A1", "%41%31", "A%31"}) {
      const auto response = send(route, target(route, badge), token_for(route));
      EXPECT_EQ(response.status, 200) << badge << ": " << response.body.substr(0, 200);
      EXPECT_EQ(response.header("Content-Type"), "application/pdf");
      EXPECT_EQ(response.header("Content-Disposition"), "attachment; filename=\"badge-A1.pdf\"");
      EXPECT_EQ(response.header("Cache-Control"), "no-store");
      EXPECT_TRUE(response.body.starts_with("%PDF-"));
    }
  }
}

TEST_F(BadgeSegments, HostileSizesAreRefusedWithoutAnEcho) {
  for (const auto& route : routes_) {
    if (!route.pattern.ends_with("/badge.pdf")) continue;
    std::string path = target(route, "A1");
    path = path.substr(0, path.find('?'));
    std::string huge;
    for (int i = 0; i < 4000; ++i) huge += "%FF";
    const std::vector<std::string> sizes = {
        "a4", "A6", "cr80%0D%0AX-Injected:%201", huge, "%00", "", "a6%20", "cr80%FF"};
    for (const auto& size : sizes) {
      const auto response = raw_get(gateway_->host(), gateway_->port(), path + "?size=" + size,
                                    world_.token(v1::organizer));
      SCOPED_TRACE(size.substr(0, 60));
      EXPECT_EQ(response.status, 400) << response.body;
      EXPECT_TRUE(is_valid_utf8(response.body));
      EXPECT_LE(response.body.size(), 600u);
      EXPECT_TRUE(response.header("X-Injected").empty());
      EXPECT_TRUE(response.header("Content-Disposition").empty());
    }
  }
}

}  // namespace
}  // namespace rollcall::tests::attack::web
