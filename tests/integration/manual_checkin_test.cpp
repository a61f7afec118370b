// Check-ins by hand and the token info route end to end (issue 14): the real rollcall-import,
// rollcall-gateway, redis-server and rollcall-export. A desk token needs the registration scope
// to check people in by hand; with it, a forgotten badge counts like a scan (signed-badge events
// too), shows in the totals, the desk's health and the scans export, and the audit recount stays
// exact after a mix of scans and check-ins by hand.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "rollcall/v1/registration.pb.h"
#include "services/badges/badge_code.h"
#include "services/badges/key_pair.h"
#include "services/registry/csv_reader.h"
#include "services/store/keys.h"
#include "services/wire/codec.h"
#include "tests/support/gateway_process.h"
#include "tests/support/http_totals.h"
#include "tests/support/redis_server.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/tokens.h"
#include "tools/client/desk_client.h"
#include "tools/client/http_get.h"

namespace rollcall::gateway {
namespace {

using namespace std::chrono_literals;
using tests::support::GatewayProcess;
using tests::support::RedisServer;
using tools::client::bearer;
using tools::client::http_get;
using tools::client::http_post;
namespace wire = services::wire;

constexpr const char* kEvent = "manual-2026";
constexpr const char* kSigned = "signed-2026";

class ManualCheckinRoute : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string csv = "badge_id,country,category,name,organization\n";
    for (int i = 1; i <= 40; ++i) {
      csv += "P" + std::to_string(i) + "," + (i % 3 ? "CH" : "KE") + "," +
             (i % 2 ? "minister" : "civil_society") + ",Person " + std::to_string(i) + ",Org\n";
    }
    import(kEvent, csv);
    import(kSigned, csv);
    // P40 was revoked (a badge replaced, or withdrawn): a check-in by hand does not admit them.
    redis_.command({"HSET", services::store::badge_key(kEvent, "P40"), "revoked", "1"});
    // The signed event accepts signed badge codes only at its scanning desks.
    key_ = services::badges::generate_key_pair();
    v1::BadgeKey stored;
    stored.set_key_id(key_.key_id);
    stored.set_public_key(key_.public_key);
    redis_.command({"HSET", services::store::badge_keys_key(kSigned), key_.key_id,
                    wire::encode(stored, wire::Encoding::json)});

    for (const char* event : {kEvent, kSigned}) {
      auto& tokens = tokens_[event];
      tokens["desk"] = tests::support::issue_desk_token(redis_, event, "gate-1");
      v1::TokenRecord registration;
      registration.set_role(v1::desk);
      registration.set_desk_id("reg-1");
      registration.set_name("Registration desk 1");
      registration.add_scopes(v1::registration);
      tokens["desk+registration"] = tests::support::issue_token(redis_, event, registration);
      for (const auto role : {v1::organizer, v1::display, v1::platform}) {
        v1::TokenRecord record;
        record.set_role(role);
        record.set_name(std::string(v1::Role_Name(role)) + " token");
        tokens[v1::Role_Name(role)] = tests::support::issue_token(redis_, event, record);
      }
    }
    gateway_ = std::make_unique<GatewayProcess>(redis_.url());
  }

  void import(const std::string& event, const std::string& csv) {
    ASSERT_TRUE(tests::support::import_registry(redis_, event, csv, {.file_name = event + ".csv"}));
  }

  static v1::ManualCheckin checkin(const std::string& id, const std::string& badge,
                                   v1::ManualReason reason = v1::badge_forgotten,
                                   v1::Direction direction = v1::in) {
    v1::ManualCheckin c;
    c.set_checkin_id(id);
    c.set_badge_id(badge);
    c.set_zone("hall");
    c.set_direction(direction);
    c.set_reason(reason);
    if (reason == v1::other) c.set_note("arrived with the minister's delegation");
    return c;
  }

  tools::client::HttpResponse post(const std::string& event, const v1::ManualCheckin& c,
                                   const std::string& token) {
    return http_post(gateway_->host(), gateway_->port(), "/v1/events/" + event + "/checkins",
                     wire::encode(c, wire::Encoding::json), bearer(token));
  }

  // A check-in by hand that must be answered with a ScanResult.
  v1::ScanResult check_in(const std::string& event, const v1::ManualCheckin& c) {
    const auto response = post(event, c, tokens_[event]["desk+registration"]);
    EXPECT_EQ(response.status, 200) << response.body;
    EXPECT_EQ(response.content_type, "application/json");
    v1::ScanResult result;
    std::string error;
    EXPECT_TRUE(wire::decode(response.body, wire::Encoding::json, &result, &error))
        << error << ": " << response.body;
    return result;
  }

  v1::Totals totals(const std::string& event) {
    return tests::support::http_totals(*gateway_, "/v1/events/" + event + "/totals",
                                       tokens_[event]["organizer"]);
  }

  // The gate's scanning desk (no scope) of `event`.
  void connect_desk(tools::client::DeskClient& client, const std::string& event) {
    client.set_token(tokens_[event]["desk"]);
    client.connect(gateway_->host(), gateway_->port(), event);
  }

  static v1::ScanRequest scan(const std::string& id, const std::string& badge,
                              v1::Direction direction = v1::in) {
    v1::ScanRequest request;
    request.set_scan_id(id);
    request.set_badge_id(badge);
    request.set_desk_id("gate-1");
    request.set_zone("hall");
    request.set_direction(direction);
    return request;
  }

  RedisServer redis_;
  std::map<std::string, std::map<std::string, std::string>> tokens_;  // event -> identity -> token
  services::badges::KeyPair key_;
  std::unique_ptr<GatewayProcess> gateway_;
};

TEST_F(ManualCheckinRoute, OnlyARegistrationDeskChecksInByHand) {
  // Every other kind of token is refused before anything is read or counted.
  for (const auto& identity : {"desk", "organizer", "display", "platform"}) {
    const auto response =
        post(kEvent, checkin(std::string("x-") + identity, "P1"), tokens_[kEvent][identity]);
    EXPECT_EQ(response.status, 403) << identity << ": " << response.body;
    EXPECT_NE(response.body.find("forbidden"), std::string::npos) << response.body;
  }
  EXPECT_EQ(post(kEvent, checkin("x-none", "P1"), "").status, 401);
  // Another event's registration desk is not this event's.
  EXPECT_EQ(post(kEvent, checkin("x-other", "P1"), tokens_[kSigned]["desk+registration"]).status,
            401);
  auto figures = totals(kEvent);
  EXPECT_EQ(figures.onsite(), 0);
  EXPECT_TRUE(figures.manual_checkins().empty());
  EXPECT_EQ(redis_.command({"XLEN", services::store::log_key(kEvent)}), "0");

  // With the scope: counted like a scan of the badge by the token's desk.
  auto result = check_in(kEvent, checkin("reg-1:0001", "P1"));
  EXPECT_EQ(result.status(), v1::accepted) << result.reason();
  EXPECT_FALSE(result.replay());
  EXPECT_EQ(result.scan_id(), "reg-1:0001");
  EXPECT_EQ(result.attendee().name(), "Person 1");
  // The desk sends it again (its answer was lost): the stored answer, nothing counted twice.
  result = check_in(kEvent, checkin("reg-1:0001", "P1"));
  EXPECT_EQ(result.status(), v1::accepted);
  EXPECT_TRUE(result.replay());
  // Counted like a scan: the person is inside now, a scan sees it.
  tools::client::DeskClient gate;
  connect_desk(gate, kEvent);
  EXPECT_EQ(gate.scan(scan("gate-1:0001", "P1")).status(), v1::already_inside);
  // Other reasons, a revoked badge and an unknown one.
  EXPECT_EQ(check_in(kEvent, checkin("reg-1:0002", "P2", v1::badge_unreadable)).status(),
            v1::accepted);
  EXPECT_EQ(check_in(kEvent, checkin("reg-1:0003", "P3", v1::other)).status(), v1::accepted);
  EXPECT_EQ(check_in(kEvent, checkin("reg-1:0004", "P40")).status(), v1::revoked);
  EXPECT_EQ(check_in(kEvent, checkin("reg-1:0005", "NOBODY")).status(), v1::unknown_badge);

  figures = totals(kEvent);
  EXPECT_EQ(figures.onsite(), 3);
  EXPECT_EQ(figures.manual_checkins().at("badge_forgotten"), 1);
  EXPECT_EQ(figures.manual_checkins().at("badge_unreadable"), 1);
  EXPECT_EQ(figures.manual_checkins().at("other"), 1);
  ASSERT_TRUE(figures.desks().contains("reg-1"));
  EXPECT_EQ(figures.desks().at("reg-1").manual(), 3);
  EXPECT_EQ(figures.desks().at("reg-1").scans(), 5);
  EXPECT_EQ(figures.desks().at("reg-1").rejected(), 2);
  EXPECT_EQ(figures.desks().at("gate-1").manual(), 0);
  EXPECT_EQ(figures.scans_by_status().at("accepted"), 3);

  // A bad body: 400 malformed with the reason, nothing counted.
  auto bad = checkin("reg-1:0006", "P4", v1::other);
  bad.clear_note();
  auto response = post(kEvent, bad, tokens_[kEvent]["desk+registration"]);
  EXPECT_EQ(response.status, 400);
  EXPECT_NE(response.body.find("\"code\":\"malformed\""), std::string::npos) << response.body;
  EXPECT_NE(response.body.find("note"), std::string::npos) << response.body;
  bad = checkin("reg-1:0007", "P4");
  bad.set_note(std::string(201, 'n'));
  response = post(kEvent, bad, tokens_[kEvent]["desk+registration"]);
  EXPECT_EQ(response.status, 400);
  EXPECT_NE(response.body.find("200"), std::string::npos) << response.body;
  EXPECT_EQ(totals(kEvent).onsite(), 3);
  // Another event's path with this event's token: the token does not hold there.
  EXPECT_EQ(post("no-such-event", checkin("x", "P1"), tokens_[kEvent]["desk+registration"]).status,
            401);
}

TEST_F(ManualCheckinRoute, AForgottenSignedBadgeIsCheckedInByItsId) {
  tools::client::DeskClient gate;
  connect_desk(gate, kSigned);
  // The scanning desk cannot take a typed id: only a signed code.
  EXPECT_EQ(gate.scan(scan("gate-typed", "P5")).status(), v1::invalid_signature);
  // The registration desk vouches for the person by badge id.
  const auto result = check_in(kSigned, checkin("reg-signed-1", "P5"));
  EXPECT_EQ(result.status(), v1::accepted) << result.reason();
  EXPECT_EQ(result.attendee().name(), "Person 5");
  // A code is no badge id here: refused as malformed, not checked.
  const auto code = services::badges::sign_badge(
      {.key_id = key_.key_id, .event_id = kSigned, .badge_id = "P6"}, key_.secret_key);
  auto coded = checkin("reg-signed-2", code);
  const auto response = post(kSigned, coded, tokens_[kSigned]["desk+registration"]);
  EXPECT_EQ(response.status, 400) << response.body;
  // The person's own badge, scanned later, finds them inside: one person, counted once.
  const auto own = services::badges::sign_badge(
      {.key_id = key_.key_id, .event_id = kSigned, .badge_id = "P5"}, key_.secret_key);
  EXPECT_EQ(gate.scan(scan("gate-own", own)).status(), v1::already_inside);
  const auto figures = totals(kSigned);
  EXPECT_EQ(figures.onsite(), 1);
  EXPECT_EQ(figures.manual_checkins().at("badge_forgotten"), 1);
  EXPECT_EQ(figures.desks().at("reg-1").manual(), 1);
}

// What each kind of token is told it may do, spelled out here (not read from access.cpp) so a
// change of the table shows up.
TEST_F(ManualCheckinRoute, TokenInfoForEachRole) {
  const std::map<std::string, std::set<std::string>> allowed = {
      {"desk", {"scan", "read_badge_keys", "read_desk_sync", "read_token_info"}},
      {"desk+registration",
       {"scan", "read_badge_keys", "read_desk_sync", "read_token_info", "lookup_attendees",
        "check_in_by_hand", "replace_badges", "register_walk_ins", "print_badges"}},
      {"organizer",
       {"watch_totals", "read_badge_keys", "read_attendee_log", "export_data", "lookup_attendees",
        "replace_badges", "register_walk_ins", "print_badges", "read_token_info"}},
      {"display", {"watch_totals", "read_token_info"}},
      {"platform", {"report_presence", "issue_tickets", "read_token_info"}},
  };
  for (const auto& [identity, expected] : allowed) {
    SCOPED_TRACE(identity);
    const auto response =
        http_get(gateway_->host(), gateway_->port(), std::string("/v1/events/") + kEvent + "/token",
                 bearer(tokens_[kEvent][identity]));
    ASSERT_EQ(response.status, 200) << response.body;
    v1::TokenInfo info;
    std::string error;
    ASSERT_TRUE(wire::decode(response.body, wire::Encoding::json, &info, &error)) << error;
    const std::set<std::string> got(info.allowed().begin(), info.allowed().end());
    EXPECT_EQ(got, expected);
    EXPECT_EQ(v1::Role_Name(info.role()), identity.substr(0, identity.find('+')));
    if (identity == "desk+registration") {
      ASSERT_EQ(info.scopes_size(), 1);
      EXPECT_EQ(info.scopes(0), v1::registration);
      EXPECT_EQ(info.desk_id(), "reg-1");
      EXPECT_EQ(info.name(), "Registration desk 1");
    } else if (identity == "desk") {
      EXPECT_EQ(info.scopes_size(), 0);
      EXPECT_EQ(info.desk_id(), "gate-1");
    } else {
      EXPECT_EQ(info.scopes_size(), 0);
      EXPECT_EQ(info.desk_id(), "");
      EXPECT_EQ(info.name(), identity + " token");
    }
    // Nothing secret: no hash, no token.
    EXPECT_EQ(response.body.find(tokens_[kEvent][identity]), std::string::npos);
  }
  // Without a token, a made-up one, or another event's: refused.
  EXPECT_EQ(
      http_get(gateway_->host(), gateway_->port(), std::string("/v1/events/") + kEvent + "/token")
          .status,
      401);
  EXPECT_EQ(http_get(gateway_->host(), gateway_->port(),
                     std::string("/v1/events/") + kEvent + "/token", bearer("rc_made-up"))
                .status,
            401);
  EXPECT_EQ(
      http_get(gateway_->host(), gateway_->port(), std::string("/v1/events/") + kEvent + "/token",
               bearer(tokens_[kSigned]["organizer"]))
          .status,
      401);
}

// A generated day at two desks: scans at the gate, check-ins by hand at registration (replays
// of both), then the exports mark each check-in by hand and the audit recount is exact.
TEST_F(ManualCheckinRoute, ExportsAndTheAuditRecountAfterAMix) {
  tools::client::DeskClient gate;
  connect_desk(gate, kEvent);
  std::mt19937 rng(1400);
  const std::vector<v1::ManualReason> reasons = {v1::badge_forgotten, v1::badge_unreadable,
                                                 v1::other};
  std::map<std::string, std::string> manual_reason;  // checkin_id -> reason
  std::size_t scans = 0;
  for (int i = 0; i < 240; ++i) {
    const auto badge = "P" + std::to_string(1 + rng() % 41);  // P41 is not registered
    const auto direction = rng() % 3 ? v1::in : v1::out;
    if (rng() % 2) {
      const auto reason = reasons[rng() % reasons.size()];
      const auto id = "reg-1:" + std::to_string(i);
      const auto result = check_in(kEvent, checkin(id, badge, reason, direction));
      EXPECT_NE(result.status(), v1::malformed) << result.reason();
      manual_reason[id] = v1::ManualReason_Name(reason);
      if (rng() % 5 == 0) EXPECT_TRUE(check_in(kEvent, checkin(id, badge, reason)).replay());
    } else {
      const auto id = "gate-1:" + std::to_string(i);
      EXPECT_NE(gate.scan(scan(id, badge, direction)).status(), v1::malformed);
      ++scans;
    }
  }
  // The scans export (CSV): one row per scan or check-in, the manual column says which.
  const auto csv = http_get(gateway_->host(), gateway_->port(),
                            std::string("/v1/events/") + kEvent + "/exports/scans.csv",
                            bearer(tokens_[kEvent]["organizer"]), 20s);
  ASSERT_EQ(csv.status, 200) << csv.body.substr(0, 300);
  std::istringstream in(csv.body);
  services::registry::CsvReader reader(in);
  const auto header = reader.next();
  ASSERT_TRUE(header && header->ok());
  const auto column = std::find(header->fields.begin(), header->fields.end(), "manual");
  ASSERT_NE(column, header->fields.end());
  const auto manual_at = static_cast<std::size_t>(column - header->fields.begin());
  std::size_t rows = 0, marked = 0;
  while (auto row = reader.next()) {
    ASSERT_TRUE(row->ok());
    const auto& id = row->fields.at(1);
    const auto found = manual_reason.find(id);
    EXPECT_EQ(row->fields.at(manual_at), found == manual_reason.end() ? "" : found->second) << id;
    EXPECT_EQ(row->fields.at(3), found == manual_reason.end() ? "gate-1" : "reg-1") << id;
    marked += found != manual_reason.end();
    ++rows;
  }
  EXPECT_EQ(rows, scans + manual_reason.size());
  EXPECT_EQ(marked, manual_reason.size());
  // JSON: the ScanRow's manual field.
  const auto json = http_get(gateway_->host(), gateway_->port(),
                             std::string("/v1/events/") + kEvent + "/exports/scans.json",
                             bearer(tokens_[kEvent]["organizer"]), 20s);
  ASSERT_EQ(json.status, 200);
  std::size_t json_marked = 0;
  const auto document = boost::json::parse(json.body);
  for (const auto& row : document.as_array()) {
    const auto& object = row.as_object();
    const std::string id(object.at("scan_id").as_string());
    const std::string manual(object.at("manual").as_string());
    const auto found = manual_reason.find(id);
    EXPECT_EQ(manual, found == manual_reason.end() ? "manual_reason_unspecified" : found->second);
    json_marked += found != manual_reason.end();
  }
  EXPECT_EQ(json_marked, manual_reason.size());
  // The totals agree with the export.
  const auto figures = totals(kEvent);
  int manual_total = 0;
  for (const auto& [reason, count] : figures.manual_checkins()) manual_total += count;
  EXPECT_GT(manual_total, 0);
  EXPECT_LE(static_cast<std::size_t>(manual_total), manual_reason.size());
  EXPECT_EQ(figures.desks().at("reg-1").manual(), manual_total);

  // The audit recount, by the real tool.
  std::string output;
  EXPECT_EQ(
      tests::support::run_program(
          {ROLLCALL_EXPORT_BIN, "verify", "--event", kEvent, "--redis", redis_.url()}, &output),
      0)
      << output;
  EXPECT_NE(output.find(" 0 differences"), std::string::npos) << output;
  EXPECT_EQ(output.find("not recounted"), std::string::npos) << output;
  std::cout << "[ figures ] " << scans << " scans, " << manual_reason.size()
            << " check-ins by hand (" << manual_total << " counted as manual); " << output;
}

}  // namespace
}  // namespace rollcall::gateway
