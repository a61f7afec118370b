// Beacon tickets tried as an attacker would: a public virtual-event page holds its participant's
// ticket, never a platform token, so everything a page (or whoever reads it) could do with the
// ticket is tried here, generated rather than listed: every single-character alteration,
// truncation and extension of a genuine ticket on both ways of presenting it, tickets for other
// events, participants and times, shapes that are no ticket, and the ticket on every other
// channel and route. Only a beacon for exactly its participant may open.
#include <gtest/gtest.h>

#include <numeric>
#include <thread>

#include "services/auth/ticket.h"
#include "services/wire/codec.h"
#include "tests/attack/support/ticket_world.h"
#include "tools/client/target.h"

namespace rollcall::tests::attack {
using namespace ticket_world;
namespace {

using tools::client::Headers;
using tools::client::percent_encode;

constexpr const char* kEvent = AuthWorld::kEvent;

std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class Tickets : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { world_ = new AuthWorld(); }
  static void TearDownTestSuite() {
    delete world_;
    world_ = nullptr;
  }
  AuthWorld& world() { return *world_; }

  std::string online(const std::string& query = {}, const std::string& event = kEvent) {
    return tools::client::channel_target("/v1/online", event) + query;
  }
  Verdict by_query(const std::string& ticket, const std::string& more = {},
                   const std::string& event = kEvent) {
    return attempt(world().host(), world().port(),
                   online("&ticket=" + percent_encode(ticket) + more, event), {});
  }
  Verdict by_subprotocol(const std::string& ticket) {
    return attempt(world().host(), world().port(), online(),
                   {{"Sec-WebSocket-Protocol", "rollcall.v1.json, rollcall.ticket." + ticket}});
  }
  // Every refused credential, whatever the reason.
  double auth_failures() {
    double sum = 0;
    for (const char* reason :
         {"missing", "unknown", "expired", "revoked", "forbidden", "ticket_malformed",
          "ticket_forged", "ticket_other_event", "ticket_expired", "ticket_not_yet_valid",
          "ticket_mismatch", "ticket_misused"}) {
      sum += world().metric(std::string("rollcall_auth_failures_total{reason=\"") + reason + "\"}");
    }
    return sum;
  }

  static AuthWorld* world_;
};

AuthWorld* Tickets::world_ = nullptr;

TEST_F(Tickets, AGenuineTicketIsABeaconForItsParticipantAndNothingMore) {
  const auto ticket = world().ticket("viewer-1", "ke", "youth");
  ASSERT_FALSE(ticket.empty());
  const auto before = world().totals();

  // The page holds nothing but the ticket: in the query...
  Probe page(world().host(), world().port(), online("&ticket=" + ticket), {});
  ASSERT_TRUE(page.upgraded()) << page.http_status();
  ASSERT_EQ(page.closed_within(200ms), 0) << page.close_reason();
  auto [joined, now] = world().wait_for([&](const v1::Totals& t) {
    return t.remote() == before.remote() + 1 && t.online_now() == before.online_now() + 1;
  });
  ASSERT_TRUE(joined) << now.DebugString();
  EXPECT_EQ(now.remote_by_country().at("KE"), before.remote_by_country().contains("KE")
                                                  ? before.remote_by_country().at("KE") + 1
                                                  : 1);
  EXPECT_EQ(now.remote_by_category().at("youth"), before.remote_by_category().contains("youth")
                                                      ? before.remote_by_category().at("youth") + 1
                                                      : 1);

  // ... or, from a browser, as a subprotocol; the same participant on a second tab is one person.
  Probe tab(world().host(), world().port(), online(),
            {{"Sec-WebSocket-Protocol", "rollcall.v1.json, rollcall.ticket." + ticket}});
  ASSERT_TRUE(tab.upgraded());
  ASSERT_EQ(tab.closed_within(200ms), 0) << tab.close_reason();

  // What a page could try with its socket: a platform's batch of fake joins is no beacon's
  // business and changes nothing, in either encoding.
  v1::OnlineRequest fake;
  for (int i = 0; i < 100; ++i) {
    auto* item = fake.mutable_batch()->add_events();
    item->set_presence_id("fake-" + std::to_string(i));
    item->set_kind(v1::join);
    item->set_participant_id("fake-" + std::to_string(i));
    item->set_country("CH");
  }
  page.send(services::wire::encode(fake, services::wire::Encoding::binary), false);
  tab.send(services::wire::encode(fake, services::wire::Encoding::json), true);
  std::this_thread::sleep_for(500ms);
  now = world().totals();
  EXPECT_EQ(now.remote(), before.remote() + 1);
  EXPECT_EQ(now.online_now(), before.online_now() + 1);

  page.close();
  tab.close();
  auto [left, after] =
      world().wait_for([&](const v1::Totals& t) { return t.online_now() == before.online_now(); });
  EXPECT_TRUE(left) << after.DebugString();
}

TEST_F(Tickets, EveryAlterationTruncationAndExtensionOfAGenuineTicketIsRefused) {
  const auto ticket = world().ticket("viewer-alter", "BR", "technical");
  ASSERT_GT(ticket.size(), 100u);
  const auto before = world().totals();
  const auto failures_before = auth_failures();

  // Variants of the text: each character replaced (by its neighbour in the base64url alphabet,
  // by a separator and by a byte no ticket has), removed, the text cut there, and extended.
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::vector<std::string> variants;
  for (std::size_t i = 0; i < ticket.size(); ++i) {
    const auto at = kAlphabet.find(ticket[i]);
    const char neighbour = at == std::string_view::npos ? 'A' : kAlphabet[(at + 1) % 64];
    for (const char c : {neighbour, ticket[i] == '.' ? '_' : '.', '\xff'}) {
      auto altered = ticket;
      altered[i] = c;
      variants.push_back(altered);
    }
    auto without = ticket;
    without.erase(i, 1);
    variants.push_back(without);
    variants.push_back(ticket.substr(0, i));
  }
  for (const char* tail : {"A", "=", ".", "..", ".AAAA", "%00", " "})
    variants.push_back(ticket + tail);
  variants.push_back(ticket + ticket);

  int refused = 0;
  for (const auto& variant : variants) {
    const auto verdict = by_query(variant);
    EXPECT_TRUE(verdict.refused()) << "accepted: " << variant;
    if (verdict.http_status == 101) {
      EXPECT_TRUE(verdict.close_code == 4401 || verdict.close_code == 4403)
          << verdict.close_code << " " << verdict.reason << " for " << variant;
    }
    refused += verdict.refused();
  }
  // Browsers present it as a subprotocol: the variants a header can carry.
  int header_variants = 0;
  for (const auto& variant : variants) {
    if (variant.find_first_of("\xff% =") != std::string::npos) continue;
    ++header_variants;
    const auto verdict = by_subprotocol(variant);
    EXPECT_TRUE(verdict.refused()) << "accepted: " << variant;
    if (verdict.http_status == 101) EXPECT_EQ(verdict.close_code, 4401) << variant;
    refused += verdict.refused();
  }
  RecordProperty("variants", static_cast<int>(variants.size()) + header_variants);
  std::cout << "[ variants ] " << variants.size() << " by query, " << header_variants
            << " by subprotocol, all refused: " << refused << "\n";
  EXPECT_EQ(refused, static_cast<int>(variants.size()) + header_variants);
  // Each refusal counted with its reason; nobody came online.
  EXPECT_EQ(auth_failures() - failures_before, refused);
  const auto after = world().totals();
  EXPECT_EQ(after.remote(), before.remote());
  EXPECT_EQ(after.online_now(), before.online_now());
  // The genuine one still works.
  Probe genuine(world().host(), world().port(), online("&ticket=" + ticket), {});
  ASSERT_TRUE(genuine.upgraded());
  EXPECT_EQ(genuine.closed_within(200ms), 0) << genuine.close_reason();
}

TEST_F(Tickets, OtherEventsParticipantsTimesAndShapesAreRefused) {
  // The event's key is made with its first ticket; each test may run alone (ctest), so ask one.
  world().ticket("viewer-key", "KE", "youth");
  const auto key = world().ticket_key();
  ASSERT_EQ(key.size(), services::auth::kTicketKeyBytes);
  const auto now = now_s();
  const auto claims = [&](std::int64_t issued, std::int64_t expires,
                          const std::string& event = kEvent, const std::string& who = "viewer-t") {
    v1::BeaconTicket c;
    c.set_event_id(event);
    c.set_participant_id(who);
    c.set_country("KE");
    c.set_issued_at(issued);
    c.set_expires_at(expires);
    return services::auth::sign_ticket(c, key);
  };
  const auto failures_before = auth_failures();
  const auto other_event_ticket =
      world().ticket("viewer-o", "KE", "youth", "", AuthWorld::kOtherEvent);

  struct Case {
    std::string what;
    std::string ticket;
    int close_code;  // 0: refused at the HTTP upgrade
  };
  std::vector<Case> cases = {
      {"expired an hour ago", claims(now - 7200, now - 3600), 4401},
      {"expired a second ago", claims(now - 3600, now - 1), 4401},
      {"issued in an hour", claims(now + 3600, now + 7200), 4401},
      {"issued beyond the clock skew",
       claims(now + services::auth::kTicketClockSkewSeconds + 60, now + 7200), 4401},
      {"eight days long", claims(now - 60, now - 60 + 8 * 86400), 4401},
      {"for another event, this event's key", claims(now - 60, now + 3600, AuthWorld::kOtherEvent),
       4403},
      {"no participant", claims(now - 60, now + 3600, kEvent, ""), 4401},
      {"another event's genuine ticket", other_event_ticket, 4401},
      {"signed with a made-up key",
       [&] {
         v1::BeaconTicket c;
         c.set_event_id(kEvent);
         c.set_participant_id("mallory");
         c.set_issued_at(now);
         c.set_expires_at(now + 3600);
         return services::auth::sign_ticket(c, std::string(32, 'k'));
       }(),
       4401},
      {"empty", "", 4401},
      {"the prefix alone", "rt1.", 4401},
      {"not base64", "rt1.!!!*((.###", 4401},
      {"invalid UTF-8", "rt1.\xc3\x28\xff\xfe.\xf0\x28\x8c\xbc", 4401},
      {"control bytes", std::string("rt1.\0\x01\x02.\x7f", 9), 4401},
      {"a platform token", world().token(v1::platform), 4401},
      {"a desk token", world().token(v1::desk), 4401},
  };
  // Long ones: refused before decoding, or by the HTTP parser (16 KiB of headers).
  for (const std::size_t size : {1025u, 4096u, 100u * 1024}) {
    cases.push_back({std::to_string(size) + " bytes", "rt1." + std::string(size, 'A') + ".AAAA",
                     size > 8 * 1024 ? 0 : 4401});
  }
  for (const auto& c : cases) {
    const auto verdict = by_query(c.ticket);
    EXPECT_TRUE(verdict.refused()) << c.what;
    if (c.close_code == 0) {
      EXPECT_NE(verdict.http_status, 101) << c.what;
    } else {
      EXPECT_EQ(verdict.close_code, c.close_code) << c.what << ": " << verdict.reason;
    }
  }
  // The other event's ticket is genuine there.
  Probe there(world().host(), world().port(),
              online("&ticket=" + other_event_ticket, AuthWorld::kOtherEvent), {});
  ASSERT_TRUE(there.upgraded());
  EXPECT_EQ(there.closed_within(200ms), 0) << there.close_reason();
  there.close();

  // A genuine ticket: the query may repeat what it says, never change it.
  const auto ticket = world().ticket("viewer-q", "KE", "youth", "A1");
  for (const std::string more :
       {"&participant=viewer-r", "&participant=", "&country=CH", "&country=", "&category=minister",
        "&badge=A2", "&badge=", "&bridge=platform-1", "&bridge"}) {
    const auto verdict = by_query(ticket, more);
    EXPECT_EQ(verdict.close_code, 4403) << more << ": " << verdict.reason;
  }
  for (const std::string more : {"&participant=viewer-q", "&country=ke", "&category=youth",
                                 "&badge=A1", "&platform=webcast&session=plenary"}) {
    Probe ok(world().host(), world().port(), online("&ticket=" + ticket + more), {});
    ASSERT_TRUE(ok.upgraded()) << more;
    EXPECT_EQ(ok.closed_within(200ms), 0) << more << ": " << ok.close_reason();
  }
  const int refusals = static_cast<int>(cases.size()) - 1 + 9;  // the HTTP-refused one is not
  EXPECT_GE(auth_failures() - failures_before, refusals);
  EXPECT_GE(world().metric("rollcall_auth_failures_total{reason=\"ticket_mismatch\"}"), 6);
  EXPECT_GE(world().metric("rollcall_auth_failures_total{reason=\"ticket_misused\"}"), 2);
  EXPECT_GE(world().metric("rollcall_auth_failures_total{reason=\"ticket_expired\"}"), 2);
  EXPECT_GE(world().metric("rollcall_auth_failures_total{reason=\"ticket_not_yet_valid\"}"), 2);
  EXPECT_GE(world().metric("rollcall_auth_failures_total{reason=\"ticket_other_event\"}"), 1);
}

TEST_F(Tickets, ATicketOpensNoOtherChannelAndNoRoute) {
  const auto ticket = world().ticket("viewer-c", "KE", "youth");
  const std::vector<std::pair<std::string, Headers>> presentations = {
      {"?ticket", {}},
      {"bearer", {{"Authorization", "Bearer " + ticket}}},
      {"ticket subprotocol",
       {{"Sec-WebSocket-Protocol", "rollcall.v1.json, rollcall.ticket." + ticket}}},
      {"token subprotocol",
       {{"Sec-WebSocket-Protocol", "rollcall.v1.json, rollcall.token." + ticket}}},
  };
  int tried = 0;
  for (const char* channel : {"/v1/desk", "/v1/display"}) {
    for (const auto& [how, headers] : presentations) {
      auto target = tools::client::channel_target(channel, kEvent);
      if (how == "?ticket") target += "&ticket=" + ticket;
      const auto verdict = attempt(world().host(), world().port(), target, headers);
      EXPECT_EQ(verdict.close_code, 4401) << channel << " " << how << ": " << verdict.reason;
      ++tried;
    }
  }
  // A bridge (no ticket in the query or as a ticket subprotocol) takes tokens only.
  for (const auto& [how, headers] : presentations) {
    if (how == "?ticket" || how == "ticket subprotocol") continue;
    for (const std::string query : {"", "&bridge=b1", "&participant=viewer-c"}) {
      const auto verdict = attempt(world().host(), world().port(), online(query), headers);
      EXPECT_EQ(verdict.close_code, 4401) << how << query << ": " << verdict.reason;
      ++tried;
    }
  }
  // Every HTTP route of an event, with the ticket as a bearer token or in the query.
  const std::string base = std::string("/v1/events/") + kEvent;
  for (const std::string route : {"/totals", "/badge-keys", "/exports/attendees.csv",
                                  "/exports/scans.json", "/scans/rejected"}) {
    for (const bool bearer : {true, false}) {
      const auto response = tools::client::http_get(
          world().host(), world().port(), base + route + (bearer ? "" : "?ticket=" + ticket),
          bearer ? tools::client::bearer(ticket) : Headers{});
      EXPECT_EQ(response.status, 401) << route << (bearer ? " bearer" : " query");
      ++tried;
    }
  }
  for (const bool bearer : {true, false}) {
    const auto response = tools::client::http_post(
        world().host(), world().port(), base + "/tickets" + (bearer ? "" : "?ticket=" + ticket),
        R"({"participant_id":"mallory"})", bearer ? tools::client::bearer(ticket) : Headers{});
    EXPECT_EQ(response.status, 401) << (bearer ? "bearer" : "query");
    ++tried;
  }
  std::cout << "[ channels ] " << tried
            << " uses of a genuine ticket off its beacon, all refused\n";
}

TEST_F(Tickets, OnlyAPlatformGetsTicketsAndOnlyForWhatABeaconCouldBe) {
  const auto post = [&](const std::string& body, const std::string& token) {
    return world().request_ticket(body, token).status;
  };
  const std::string good = R"({"participant_id":"viewer-x","country":"KE","category":"youth"})";
  EXPECT_EQ(post(good, world().token(v1::platform)), 200);
  EXPECT_EQ(post(good, ""), 401);
  EXPECT_EQ(post(good, "rc_made-up"), 401);
  EXPECT_EQ(post(good, world().token(v1::platform, AuthWorld::kOtherEvent)), 401);
  // A leaked organizer, display or desk token cannot make presence either.
  for (const auto role : {v1::desk, v1::display, v1::organizer}) {
    EXPECT_EQ(post(good, world().token(role)), 403) << v1::Role_Name(role);
  }
  for (const std::string bad : std::vector<std::string>{
           "", "not json", "[]", R"({"participant_id":""})", R"({"participant_id":"two words"})",
           R"({"participant_id":"p","country":"XX"})",
           R"({"participant_id":"p","category":"emperor"})",
           R"({"participant_id":"p","badge_id":"not a badge"})",
           R"({"participant_id":"p","expires_in_seconds":691200})",
           R"({"participant_id":"p","expires_in_seconds":-5})", R"({"participant_id":"p","x":1})",
           "{\"participant_id\":\"" + std::string(200, 'p') + "\"}"}) {
    const auto status = post(bad, world().token(v1::platform));
    EXPECT_TRUE(status == 400 || status == 422) << status << " for " << bad;
  }
  EXPECT_EQ(world().request_ticket(good, world().token(v1::platform), "no-such-event").status, 401);
}

TEST_F(Tickets, APlatformTokenStillOpensAServerSideBeacon) {
  // Documented compatibility: a platform's own server may hold beacons with its token (it can
  // report any join through a bridge anyway); public pages use tickets.
  Probe beacon(world().host(), world().port(), online("&participant=server-side-1"),
               tools::client::bearer(world().token(v1::platform)));
  ASSERT_TRUE(beacon.upgraded());
  EXPECT_EQ(beacon.closed_within(200ms), 0) << beacon.close_reason();
}

}  // namespace
}  // namespace rollcall::tests::attack
