// The registration desk's walk-ins and lost-badge replacements end to end: a private Redis, the
// real rollcall-import, rollcall-gateway (with and without a badge-signing key) and
// rollcall-export verify; desks scanning old and new badges over WebSocket.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "rollcall/v1/desk.pb.h"
#include "rollcall/v1/registration.pb.h"
#include "services/auth/token.h"
#include "services/badges/badge_code.h"
#include "services/badges/key_file.h"
#include "services/badges/key_pair.h"
#include "services/checkin/desk_sync.h"
#include "services/store/keys.h"
#include "services/wire/codec.h"
#include "tests/support/gateway_process.h"
#include "tests/support/http_totals.h"
#include "tests/support/redis_server.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/tokens.h"
#include "tools/client/desk_client.h"
#include "tools/client/http_get.h"

namespace rollcall::tests::integration {
namespace {

using support::GatewayProcess;
using support::RedisServer;
using tools::client::DeskClient;
using tools::client::HttpResponse;
namespace store = services::store;

constexpr const char* kEvent = "reg-2026";
constexpr const char* kRegistry =
    "badge_id,country,category,name,organization\n"
    "M1,ZA,minister,Solly Malatsi,Government of South Africa\n"
    "M2,CH,minister,Anna Meier,Swiss Confederation\n"
    "R1,EG,regulator,نورة الشامسي,NTRA\n"
    "U1,,un,李伟,ITU\n";

std::string token_id_of(const std::string& token) {
  return services::auth::token_id(services::auth::token_hash(token));
}

class Registration : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(support::import_registry(redis_, kEvent, kRegistry));
    v1::TokenRecord desk;
    desk.set_role(v1::desk);
    desk.set_desk_id("reg-1");
    desk.add_scopes(v1::registration);
    desk.set_name("Registration desk 1");
    registration_ = support::issue_token(redis_, kEvent, desk);
    scanner_ = support::issue_desk_token(redis_, kEvent, "door-1");
    organizer_ = support::issue_token(redis_, kEvent, v1::organizer);
  }
  void TearDown() override {
    if (gateway_) {
      EXPECT_TRUE(gateway_->alive()) << gateway_->log();
    }
  }

  void start_gateway(std::vector<std::string> args = {}) {
    gateway_.reset();
    gateway_ = std::make_unique<GatewayProcess>(redis_.url(), std::move(args));
  }

  HttpResponse post(const std::string& path, const std::string& body, const std::string& token) {
    return tools::client::http_post(gateway_->host(), gateway_->port(),
                                    std::string("/v1/events/") + kEvent + path, body,
                                    tools::client::bearer(token), std::chrono::seconds(10));
  }
  HttpResponse walk_in(const std::string& request_id, const std::string& badge_json,
                       const std::string& token) {
    return post("/badges", "{\"request_id\":\"" + request_id + "\",\"badge\":" + badge_json + "}",
                token);
  }
  HttpResponse replace(const std::string& badge, const std::string& request_id,
                       const std::string& new_id = "", const std::string& token = "") {
    return post("/badges/" + badge + "/replacement",
                "{\"request_id\":\"" + request_id + "\",\"new_badge_id\":\"" + new_id +
                    "\",\"reason\":\"lost\"}",
                token.empty() ? registration_ : token);
  }
  static v1::BadgeIssued issued(const HttpResponse& response) {
    v1::BadgeIssued out;
    std::string error;
    EXPECT_TRUE(services::wire::decode(response.body, services::wire::Encoding::json, &out, &error))
        << error << ": " << response.body;
    return out;
  }
  static boost::json::object json(const HttpResponse& response) {
    boost::system::error_code ec;
    auto value = boost::json::parse(response.body, ec);
    if (ec || !value.is_object()) {
      ADD_FAILURE() << "not a JSON object: " << response.body;
      return {};
    }
    return value.as_object();
  }
  static std::string code_of(const HttpResponse& response) {
    const auto object = json(response);
    const auto* code = object.if_contains("code");
    return code && code->is_string() ? std::string(code->as_string()) : std::string("(none)");
  }

  std::unique_ptr<DeskClient> desk() {
    auto client = std::make_unique<DeskClient>();
    client->set_token(scanner_);
    client->connect(gateway_->host(), gateway_->port(), kEvent);
    return client;
  }
  v1::ScanResult scan(DeskClient& desk, const std::string& badge,
                      v1::Direction direction = v1::in) {
    v1::ScanRequest request;
    request.set_scan_id("s" + std::to_string(++scans_));
    request.set_badge_id(badge);
    request.set_desk_id("door-1");
    request.set_zone("hall");
    request.set_direction(direction);
    return desk.scan(request);
  }
  // The figures as displays and organizers get them (GET …/totals).
  v1::Totals totals() {
    return support::http_totals(*gateway_, std::string("/v1/events/") + kEvent + "/totals",
                                organizer_, std::chrono::seconds(10));
  }
  std::string counter(const std::string& field) {
    return redis_.command({"HGET", store::counters_key(kEvent), field});
  }
  // What a refused request must not change.
  std::string footprint() {
    return redis_.command({"SCARD", store::badges_key(kEvent)}) + "|" +
           redis_.command({"GET", store::registry_version_key(kEvent)}) + "|" +
           redis_.command({"XLEN", store::log_key(kEvent)}) + "|" +
           redis_.command({"HGETALL", store::counters_key(kEvent)});
  }
  void verify_exact() {
    std::string output;
    EXPECT_EQ(
        support::run_program(
            {ROLLCALL_EXPORT_BIN, "verify", "--event", kEvent, "--redis", redis_.url()}, &output),
        0)
        << output;
    EXPECT_NE(output.find(" 0 differences"), std::string::npos) << output;
  }
  // A badge key for the event: its public half in Redis, its secret half in a key file.
  std::string add_badge_key(services::badges::KeyPair* pair) {
    *pair = services::badges::generate_key_pair();
    v1::BadgeKey stored;
    stored.set_key_id(pair->key_id);
    stored.set_public_key(pair->public_key);
    redis_.command({"HSET", store::badge_keys_key(kEvent), pair->key_id,
                    services::wire::encode(stored, services::wire::Encoding::json)});
    const std::string path = redis_.data_dir() + "/badge.key";
    std::ofstream(path) << services::badges::format_key_file(kEvent, *pair);
    return path;
  }

  RedisServer redis_;
  std::string registration_, scanner_, organizer_;
  std::unique_ptr<GatewayProcess> gateway_;
  int scans_ = 0;
};

TEST_F(Registration, AWalkInIsRegisteredFoundScannedAndReplayed) {
  start_gateway();
  const auto response = walk_in(
      "w-1",
      R"({"country":"ke","category":"media","name":"Wanjiru Kamau","organization":"Nation"})",
      registration_);
  ASSERT_EQ(response.status, 201) << response.body;
  const auto badge = issued(response).badge();
  EXPECT_TRUE(badge.badge_id().starts_with("W-")) << badge.badge_id();
  EXPECT_EQ(badge.badge_id().size(), 10u);
  EXPECT_EQ(badge.country(), "KE");
  EXPECT_EQ(badge.registered_by(), token_id_of(registration_));
  EXPECT_EQ(issued(response).code(), badge.badge_id());  // a plain event: the id is the code
  EXPECT_EQ(counter("walk_ins"), "1");
  EXPECT_NE(gateway_->log().find("walk-in badge " + badge.badge_id() + " registered by token " +
                                 token_id_of(registration_)),
            std::string::npos)
      << gateway_->log();

  // The same request again (the kiosk lost the answer): the original, nothing new.
  const auto before = footprint();
  const auto again = walk_in(
      "w-1",
      R"({"country":"ke","category":"media","name":"Wanjiru Kamau","organization":"Nation"})",
      registration_);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_TRUE(issued(again).replay());
  EXPECT_EQ(issued(again).badge().badge_id(), badge.badge_id());
  EXPECT_EQ(footprint(), before);

  // Found by the attendee lookup at once (the registry version moved), and scanned.
  const auto found =
      tools::client::http_get(gateway_->host(), gateway_->port(),
                              std::string("/v1/events/") + kEvent + "/attendees?q=wanjiru",
                              tools::client::bearer(registration_), std::chrono::seconds(10));
  ASSERT_EQ(found.status, 200) << found.body;
  EXPECT_NE(found.body.find(badge.badge_id()), std::string::npos) << found.body;
  auto door = desk();
  EXPECT_EQ(scan(*door, badge.badge_id()).status(), v1::accepted);
  EXPECT_EQ(counter("onsite:category:media"), "1");
  // Desks that decide offline know it too.
  const auto sync_response = tools::client::http_get(
      gateway_->host(), gateway_->port(), std::string("/v1/events/") + kEvent + "/desk-sync",
      tools::client::bearer(scanner_), std::chrono::seconds(10));
  ASSERT_EQ(sync_response.status, 200) << sync_response.body;
  v1::DeskSync sync;
  std::string error;
  ASSERT_TRUE(
      services::wire::decode(sync_response.body, services::wire::Encoding::json, &sync, &error))
      << error;
  bool sealed = false;
  for (const auto& record : sync.badges()) {
    v1::Badge opened;
    if (services::checkin::open_desk_sync_record(record, sync.salt(), badge.badge_id(), &opened)) {
      sealed = opened.name() == "Wanjiru Kamau" && opened.registered_by() == badge.registered_by();
    }
  }
  EXPECT_TRUE(sealed);
  // An organizer may register too, with an id of its choosing; a scanning desk may not.
  EXPECT_EQ(
      walk_in("w-2", R"({"badge_id":"PRESS-9","category":"media","name":"Li Na"})", organizer_)
          .status,
      201);
  const auto refused = walk_in("w-3", R"({"category":"media","name":"Nobody"})", scanner_);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(counter("walk_ins"), "2");
  EXPECT_EQ(totals().walk_ins(), 2);
  verify_exact();
}

TEST_F(Registration, BadWalkInsSayWhichFieldAndCreateNothing) {
  start_gateway();
  const auto before = footprint();
  const std::string long_name(201, 'a');
  std::string arabic_long;
  for (int i = 0; i < 101; ++i) arabic_long += "ب";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"country", R"({"country":"XX","category":"media","name":"A"})"},
      {"country", R"({"country":"FRA","category":"media","name":"A"})"},
      {"category", R"({"category":"astronaut","name":"A"})"},
      {"category", R"({"name":"A"})"},
      {"name", R"({"category":"media"})"},
      {"name", R"({"category":"media","name":"   "})"},
      {"name", "{\"category\":\"media\",\"name\":\"" + long_name + "\"}"},
      {"name", "{\"category\":\"media\",\"name\":\"" + arabic_long + "\"}"},
      {"name", R"({"category":"media","name":"Ana\nLima"})"},
      {"name", R"({"category":"media","name":"Ana\u0007"})"},
      {"organization",
       "{\"category\":\"media\",\"name\":\"A\",\"organization\":\"" + long_name + "\"}"},
      {"organization", R"({"category":"media","name":"A","organization":"x\ty"})"},
      {"badge_id", R"({"badge_id":"has space","category":"media","name":"A"})"},
      {"badge_id", R"({"badge_id":"RC1:forged","category":"media","name":"A"})"},
      {"badge_id",
       "{\"badge_id\":\"" + std::string(65, 'b') + "\",\"category\":\"media\",\"name\":\"A\"}"},
      {"revoked", R"({"category":"media","name":"A","revoked":true})"},
      {"person_id", R"({"category":"media","name":"A","person_id":"M1"})"},
  };
  int n = 0;
  for (const auto& [field, body] : cases) {
    const auto response = walk_in("bad-" + std::to_string(++n), body, registration_);
    ASSERT_EQ(response.status, 400) << body << " -> " << response.body;
    const auto answer = json(response);
    EXPECT_EQ(std::string(answer.at("code").as_string()), "invalid_field") << response.body;
    EXPECT_EQ(std::string(answer.at("field").as_string()), field)
        << body << " -> " << response.body;
    EXPECT_LE(response.body.size(), 600u);
  }
  // Days outside the event's, a body that is no WalkIn, a taken id.
  EXPECT_EQ(
      post(
          "/badges",
          R"({"request_id":"d1","badge":{"category":"media","name":"A"},"first_day":"2026-02-30"})",
          registration_)
          .status,
      400);
  EXPECT_EQ(post("/badges", "{\"request_id\":", registration_).status, 400);
  EXPECT_EQ(post("/badges", R"({"badge":{"category":"media","name":"A"}})", registration_).status,
            400);  // no request_id
  const auto taken =
      walk_in("t1", R"({"badge_id":"M1","category":"media","name":"A"})", registration_);
  EXPECT_EQ(taken.status, 409) << taken.body;
  EXPECT_EQ(code_of(taken), "badge_exists");
  EXPECT_EQ(footprint(), before);
  EXPECT_EQ(redis_.command({"HGET", store::badge_key(kEvent, "M1"), "name"}), "Solly Malatsi");
}

TEST_F(Registration, AReplacementWhileInsideGoesOnAsTheSamePerson) {
  start_gateway();
  auto door = desk();
  ASSERT_EQ(scan(*door, "M1").status(), v1::accepted);
  ASSERT_EQ(scan(*door, "M2").status(), v1::accepted);
  const auto inside = counter("inside"), onsite = counter("onsite");

  const auto response = replace("M1", "rep-1");
  ASSERT_EQ(response.status, 201) << response.body;
  const auto answer = issued(response);
  const auto new_id = answer.badge().badge_id();
  EXPECT_TRUE(new_id.starts_with("R-")) << new_id;
  EXPECT_EQ(answer.replaced(), "M1");
  EXPECT_EQ(answer.badge().person_id(), "M1");
  EXPECT_EQ(answer.badge().name(), "Solly Malatsi");
  EXPECT_EQ(answer.badge().country(), "ZA");
  EXPECT_EQ(counter("inside"), inside);
  EXPECT_EQ(counter("onsite"), onsite);
  EXPECT_EQ(counter("badges_replaced"), "1");

  // The old badge: refused with words a volunteer understands, naming its successor.
  const auto old = scan(*door, "M1");
  EXPECT_EQ(old.status(), v1::revoked);
  EXPECT_EQ(old.reason(),
            "This badge was replaced (reported lost). Do not admit: ask for the new badge.");
  EXPECT_EQ(old.attendee().revoked_reason(), "replaced");
  EXPECT_EQ(old.attendee().replaced_by(), new_id);
  // The new one: the same person, still inside; out and in again as a re-entry.
  EXPECT_EQ(scan(*door, new_id).status(), v1::already_inside);
  EXPECT_EQ(scan(*door, new_id, v1::out).status(), v1::exit);
  EXPECT_EQ(scan(*door, new_id).status(), v1::reentry);
  EXPECT_EQ(scan(*door, "M1", v1::out).status(), v1::revoked);
  EXPECT_EQ(counter("onsite"), onsite);
  EXPECT_EQ(counter("inside"), inside);
  EXPECT_EQ(counter("onsite:country:ZA"), "1");
  const auto figures = totals();
  EXPECT_EQ(figures.badges_replaced(), 1);
  EXPECT_EQ(figures.onsite(), 2);
  EXPECT_EQ(figures.inside_now(), 2);

  // Replayed: the same answer; again with another request: already replaced, by whom.
  const auto replay = replace("M1", "rep-1");
  ASSERT_EQ(replay.status, 200) << replay.body;
  EXPECT_EQ(issued(replay).badge().badge_id(), new_id);
  EXPECT_TRUE(issued(replay).replay());
  const auto before = footprint();
  const auto twice = replace("M1", "rep-2");
  EXPECT_EQ(twice.status, 409);
  EXPECT_EQ(code_of(twice), "already_replaced");
  EXPECT_NE(twice.body.find(new_id), std::string::npos) << twice.body;
  EXPECT_EQ(code_of(replace("NOPE", "rep-3")), "unknown_badge");
  EXPECT_EQ(replace("NOPE", "rep-3").status, 404);
  EXPECT_EQ(replace("has%20space", "rep-3").status, 404);
  const auto taken = replace("M2", "rep-4", "U1");
  EXPECT_EQ(taken.status, 409);
  EXPECT_EQ(code_of(taken), "badge_exists");
  EXPECT_EQ(replace("M2", "rep-5", "", scanner_).status, 403);
  EXPECT_EQ(footprint(), before);

  // The lookup shows the new badge inside as its person.
  const auto found =
      tools::client::http_get(gateway_->host(), gateway_->port(),
                              std::string("/v1/events/") + kEvent + "/attendees?q=" + new_id,
                              tools::client::bearer(registration_), std::chrono::seconds(10));
  ASSERT_EQ(found.status, 200) << found.body;
  const auto matches = json(found).at("matches").as_array();
  ASSERT_FALSE(matches.empty()) << found.body;
  EXPECT_TRUE(matches[0].as_object().at("inside").as_bool()) << found.body;

  // The desk sync carries both: the old one opens as revoked, replaced.
  const auto sync_response = tools::client::http_get(
      gateway_->host(), gateway_->port(), std::string("/v1/events/") + kEvent + "/desk-sync",
      tools::client::bearer(scanner_), std::chrono::seconds(10));
  ASSERT_EQ(sync_response.status, 200) << sync_response.body;
  v1::DeskSync sync;
  std::string error;
  ASSERT_TRUE(
      services::wire::decode(sync_response.body, services::wire::Encoding::json, &sync, &error))
      << error;
  const auto open = [&](const std::string& id) {
    for (const auto& record : sync.badges()) {
      v1::Badge badge;
      if (services::checkin::open_desk_sync_record(record, sync.salt(), id, &badge)) return badge;
    }
    ADD_FAILURE() << id << " is not in the desk sync";
    return v1::Badge{};
  };
  const auto sealed_old = open("M1");
  EXPECT_TRUE(sealed_old.revoked());
  EXPECT_EQ(sealed_old.revoked_reason(), "replaced");
  EXPECT_EQ(sealed_old.replaced_by(), new_id);
  EXPECT_FALSE(open(new_id).revoked());
  verify_exact();
}

TEST_F(Registration, ConcurrentReplacementsOfOneBadgeHaveOneWinner) {
  start_gateway();
  constexpr int kRequests = 12;
  std::vector<int> statuses(kRequests);
  std::vector<std::string> bodies(kRequests);
  std::vector<std::thread> threads;
  std::atomic<bool> go{false};
  for (int i = 0; i < kRequests; ++i) {
    threads.emplace_back([&, i] {
      while (!go) std::this_thread::yield();
      const auto response = replace("M2", "race-" + std::to_string(i));
      statuses[i] = response.status;
      bodies[i] = response.body;
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  int won = 0;
  std::string winner;
  for (int i = 0; i < kRequests; ++i) {
    if (statuses[i] == 201) {
      ++won;
      winner = issued(HttpResponse{201, "", bodies[i]}).badge().badge_id();
    } else {
      EXPECT_EQ(statuses[i], 409) << bodies[i];
    }
  }
  ASSERT_EQ(won, 1);
  for (int i = 0; i < kRequests; ++i) {
    if (statuses[i] == 409) {
      EXPECT_NE(bodies[i].find(winner), std::string::npos) << bodies[i];
    }
  }
  EXPECT_EQ(counter("badges_replaced"), "1");
  EXPECT_EQ(redis_.command({"HGET", store::badge_key(kEvent, "M2"), "replaced_by"}), winner);
  verify_exact();
}

TEST_F(Registration, ASignedEventSignsAtOnceOrCreatesNothing) {
  services::badges::KeyPair key;
  const auto key_file = add_badge_key(&key);
  // Without the secret key: refused, nothing created.
  start_gateway();
  const auto before = footprint();
  const auto refused =
      walk_in("s-1", R"({"category":"media","name":"Signed Person"})", registration_);
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(code_of(refused), "no_signing_key");
  const auto not_replaced = replace("M1", "s-2");
  EXPECT_EQ(not_replaced.status, 409);
  EXPECT_EQ(code_of(not_replaced), "no_signing_key");
  EXPECT_EQ(footprint(), before);
  EXPECT_EQ(redis_.command({"HGET", store::badge_key(kEvent, "M1"), "revoked"}), "0");

  // With a key of the event that is not one of its badge keys (rotated away): refused too.
  const auto stranger = services::badges::generate_key_pair();
  const std::string stranger_file = redis_.data_dir() + "/stranger.key";
  std::ofstream(stranger_file) << services::badges::format_key_file(kEvent, stranger);
  start_gateway({"--badge-signing-key", stranger_file});
  const auto foreign =
      walk_in("s-1", R"({"category":"media","name":"Signed Person"})", registration_);
  EXPECT_EQ(foreign.status, 409) << foreign.body;
  EXPECT_EQ(code_of(foreign), "no_signing_key");
  EXPECT_EQ(footprint(), before);

  // With it: codes signed at once, and they scan.
  start_gateway({"--badge-signing-key", key_file});
  const auto response =
      walk_in("s-1", R"({"category":"media","name":"Signed Person"})", registration_);
  ASSERT_EQ(response.status, 201) << response.body;
  const auto walk = issued(response);
  EXPECT_TRUE(walk.code().starts_with("RC1:")) << walk.code();
  auto door = desk();
  const auto first = scan(*door, walk.code());
  EXPECT_EQ(first.status(), v1::accepted) << first.reason();
  EXPECT_EQ(first.attendee().badge_id(), walk.badge().badge_id());
  // Its validity days go into the code, and a replacement keeps them.
  const auto dated =
      post("/badges",
           R"({"request_id":"s-days","badge":{"category":"media","name":"Day Guest"},)"
           R"("first_day":"2026-03-02","last_day":"2026-03-03"})",
           registration_);
  ASSERT_EQ(dated.status, 201) << dated.body;
  const auto key_for = [&](std::string_view id) -> std::optional<v1::BadgeKey> {
    if (id != key.key_id) return std::nullopt;
    v1::BadgeKey k;
    k.set_key_id(key.key_id);
    k.set_public_key(key.public_key);
    return k;
  };
  auto check = services::badges::verify_badge_code(issued(dated).code(), kEvent, key_for);
  ASSERT_EQ(check.status, services::badges::CodeStatus::ok);
  EXPECT_EQ(check.claim.badge_id, issued(dated).badge().badge_id());
  EXPECT_EQ(check.claim.first_day, "2026-03-02");
  EXPECT_EQ(check.claim.last_day, "2026-03-03");
  const auto dated_again = replace(issued(dated).badge().badge_id(), "s-days-2");
  ASSERT_EQ(dated_again.status, 201) << dated_again.body;
  check = services::badges::verify_badge_code(issued(dated_again).code(), kEvent, key_for);
  ASSERT_EQ(check.status, services::badges::CodeStatus::ok);
  EXPECT_EQ(check.claim.badge_id, issued(dated_again).badge().badge_id());
  EXPECT_EQ(check.claim.last_day, "2026-03-03");
  // A typed id is no code in a signed event.
  EXPECT_NE(scan(*door, walk.badge().badge_id()).status(), v1::accepted);

  const auto old_code = services::badges::sign_badge(
      {.key_id = key.key_id, .event_id = kEvent, .badge_id = "M1"}, key.secret_key);
  ASSERT_EQ(scan(*door, old_code).status(), v1::accepted);
  const auto replaced = replace("M1", "s-3");
  ASSERT_EQ(replaced.status, 201) << replaced.body;
  const auto new_code = issued(replaced).code();
  EXPECT_TRUE(new_code.starts_with("RC1:"));
  const auto old = scan(*door, old_code);
  EXPECT_EQ(old.status(), v1::revoked);
  EXPECT_EQ(old.attendee().replaced_by(), issued(replaced).badge().badge_id());
  EXPECT_EQ(scan(*door, new_code).status(), v1::already_inside);
  // A replayed request is answered with the same signed code.
  EXPECT_EQ(issued(replace("M1", "s-3")).code(), new_code);
  verify_exact();
}

}  // namespace
}  // namespace rollcall::tests::integration
