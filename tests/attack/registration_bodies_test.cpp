// Hostile bodies against the registration desk's POST routes, found in the route catalogue by
// what they allow (a route added later with one of these accesses is attacked too): every field
// of WalkIn and BadgeReplacement with every text variant (sizes to 60 KB, multi-byte, control
// characters, invalid UTF-8, lone surrogates), strings where numbers, booleans and messages
// belong, unknown members, and absurd {badge} path segments. Never a 5xx, never an unbounded or
// invalid echo, never a badge created by a refused request.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "rollcall/v1/registration.pb.h"
#include "services/registry/utf8.h"
#include "services/store/keys.h"
#include "tests/attack/support/http_catalogue.h"
#include "tests/attack/support/http_raw.h"
#include "tests/attack/support/http_world.h"
#include "tests/attack/support/text_variants.h"
#include "tests/support/tokens.h"
#include "tools/client/target.h"

namespace rollcall::tests::attack::web {
namespace {

using namespace std::chrono_literals;
using services::registry::is_valid_utf8;

// The longest text any registry field accepts (name and organization, in bytes).
constexpr std::size_t kLongestAccepted = 200;

class RegistrationBodies : public ::testing::Test {
 protected:
  void SetUp() override {
    v1::TokenRecord desk;
    desk.set_role(v1::desk);
    desk.set_desk_id("reg-attack");
    desk.add_scopes(v1::registration);
    registration_ = support::issue_token(world_.redis(), HttpWorld::kEvent, desk);
    gateway_ = &world_.start_gateway();
  }

  RawResponse post(const std::string& target, const std::string& body) {
    const std::string request =
        "POST " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + registration_ +
        "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\nConnection: close\r\n\r\n" + body;
    const auto exchange = raw_exchange(gateway_->host(), gateway_->port(), request, 10s);
    return exchange.responses.empty() ? RawResponse{} : exchange.responses[0];
  }

  // Bounded, valid, and quoting at most a short piece of what was sent.
  static std::vector<std::string> problems(const RawResponse& response, std::string_view sent) {
    std::vector<std::string> found;
    if (response.status == 0) return {"no answer"};
    if (response.status >= 500) found.push_back("status " + std::to_string(response.status));
    if (!is_valid_utf8(response.body)) found.push_back("a body that is not UTF-8");
    if (response.status >= 300) {
      if (response.body.size() > 1024) {
        found.push_back("an error of " + std::to_string(response.body.size()) + " bytes");
      }
      boost::system::error_code ec;
      const auto json = boost::json::parse(response.body, ec);
      if (ec || !json.is_object() || !json.as_object().contains("code")) {
        found.push_back("an error that is not {\"code\",\"message\"}");
      } else if (const auto* m = json.as_object().if_contains("message");
                 m && m->is_string() && m->as_string().size() > 300) {
        found.push_back("a message of " + std::to_string(m->as_string().size()) + " bytes");
      }
      for (const std::size_t at : {std::size_t{0}, sent.size() / 2}) {
        if (sent.size() >= at + 132 &&
            response.body.find(sent.substr(at, 132)) != std::string::npos) {
          found.push_back("an echo of more than 131 bytes of the input");
        }
      }
    }
    return found;
  }

  std::string badges() {
    return world_.redis().command({"SCARD", services::store::badges_key(HttpWorld::kEvent)});
  }

  HttpWorld world_;
  std::string registration_;
  support::GatewayProcess* gateway_ = nullptr;
};

TEST_F(RegistrationBodies, EveryFieldWithEveryVariantIsAnsweredBoundedAndCreatesNothingWrongly) {
  const std::map<std::string, const google::protobuf::Descriptor*> body_of = {
      {"register_walk_ins", v1::WalkIn::descriptor()},
      {"replace_badges", v1::BadgeReplacement::descriptor()},
  };
  const auto variants = text_variants();
  std::size_t routes = 0, sent = 0, created = 0, refused = 0;
  const auto badges_before = std::stoi(badges());
  for (const auto& route : route_catalogue()) {
    if (route.method() != "POST" || route.guard != "token") continue;
    const auto type = body_of.find(route.access);
    if (type == body_of.end()) continue;
    ++routes;
    // Replacements of an existing badge, so a valid body gets as far as Redis.
    auto target = route.target(HttpWorld::kEvent);
    if (const auto at = target.find("/B-1/"); at != std::string::npos) {
      target.replace(at, 5, "/A1/");
    }
    int n = 0;
    for (const auto& attack : attacks_on(type->second, true, variants)) {
      // A fresh valid base each time (its own request_id), so no answer is a replay.
      google::protobuf::Message* base = nullptr;
      v1::WalkIn walk_in;
      v1::BadgeReplacement replacement;
      const auto id = "atk-" + std::to_string(++n);
      if (type->second == v1::WalkIn::descriptor()) {
        walk_in.set_request_id(id);
        walk_in.mutable_badge()->set_category("media");
        walk_in.mutable_badge()->set_name("Attack " + id);
        base = &walk_in;
      } else {
        replacement.set_request_id(id);
        replacement.set_reason(v1::lost);
        base = &replacement;
      }
      const auto body = attack.frame(*base);
      const auto response = post(target, body);
      ++sent;
      SCOPED_TRACE(route.pattern + " " + attack.label + " -> " + std::to_string(response.status));
      const auto found = problems(response, attack.sent);
      EXPECT_TRUE(found.empty()) << join(found) << "\n" << response.body.substr(0, 400);
      // What no registry field can hold is refused, whatever the field.
      const bool too_long = attack.variant && attack.variant->size > kLongestAccepted;
      const bool not_text = attack.field && attack.field->fields.back()->cpp_type() !=
                                                google::protobuf::FieldDescriptor::CPPTYPE_STRING;
      if ((attack.variant && attack.variant->hostile()) || too_long || !attack.field ||
          (not_text && attack.variant && attack.variant->kind != "letters")) {
        EXPECT_GE(response.status, 400) << response.body.substr(0, 300);
      }
      if (response.status == 201) ++created;
      if (response.status >= 400) ++refused;
    }
  }
  EXPECT_GE(routes, 2u);
  EXPECT_TRUE(gateway_->alive());
  // Exactly the created ones are in the registry: a refusal leaves nothing behind.
  EXPECT_EQ(std::stoi(badges()), badges_before + static_cast<int>(created));
  std::cout << "[ figures ] " << routes << " registration routes, " << sent << " hostile bodies, "
            << refused << " refused, " << created << " created\n";
}

TEST_F(RegistrationBodies, AbsurdBadgeSegmentsGetABoundedAnswer) {
  std::string smileys;
  for (int i = 0; i < 1500; ++i) smileys += "\xF0\x9F\x99\x82";
  const std::vector<std::string> ids = {std::string(10 * 1024, 'b'),
                                        "\xFF\xFE",
                                        "\xC0\xAF",
                                        std::string("\0x", 2),
                                        "\x1B[31m\r\nX: y",
                                        smileys,
                                        "RC1:AAAA",
                                        "../../A1",
                                        "A1/../A2",
                                        "%00",
                                        " "};
  const auto before = badges();
  std::size_t asked = 0;
  for (const auto& route : route_catalogue()) {
    if (route.method() != "POST" || route.access != "replace_badges") continue;
    for (const auto& id : ids) {
      auto target = route.target(HttpWorld::kEvent);
      const auto at = target.find("/B-1/");
      ASSERT_NE(at, std::string::npos) << target;
      target.replace(at + 1, 3, tools::client::percent_encode(id));
      const auto response = post(target, R"({"request_id":"seg-1","reason":"lost"})");
      ++asked;
      const auto found = problems(response, id);
      EXPECT_TRUE(found.empty()) << join(found) << "\n" << response.body.substr(0, 300);
      EXPECT_GE(response.status, 400);
    }
  }
  EXPECT_GT(asked, 0u);
  EXPECT_EQ(badges(), before);
}

}  // namespace
}  // namespace rollcall::tests::attack::web
