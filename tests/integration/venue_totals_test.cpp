// Venue totals end to end (issue 15, item 1): two real gateways on one private Redis, two events
// whose registries overlap (some people linked by a person id in {@V}:persons and the badges'
// `person` fields, some not), desks of both events scanning concurrently through both gateways
// (scan ids replayed, also through the other gateway), platform bridges joining and leaving some
// of the same people online. Once every gateway's fold has caught up (each event's cursor is its
// last log id), the venue's figures over HTTP and on a venue display equal a truth computed here,
// independently, from what was sent.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "rollcall/v1/rollcall.pb.h"
#include "services/store/keys.h"
#include "services/wire/codec.h"
#include "tests/support/gateway_process.h"
#include "tests/support/http_totals.h"
#include "tests/support/redis_server.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/tokens.h"
#include "tools/client/desk_client.h"
#include "tools/client/display_client.h"
#include "tools/client/http_get.h"
#include "tools/client/target.h"
#include "tools/client/websocket_connection.h"

namespace rollcall::tests::integration {
namespace {

using namespace std::chrono_literals;
using support::GatewayProcess;
using support::RedisServer;
namespace store = services::store;

constexpr const char* kVenue = "palexpo";
const std::vector<std::string> kEvents = {"wsis-v", "aifg-v"};
const std::vector<std::string> kCountries = {"CH", "KE", "BR", "IN", "FR"};

// One registered badge, and who it is at the venue.
struct Badge {
  std::string event;
  std::string id;
  std::string country;
  std::string category;
  std::string person;        // the badge's `person` field ("" when none)
  std::string venue_person;  // the truth's identity of the holder
};

// What the test sent, reduced to what the figures depend on.
struct Truth {
  std::map<std::string, std::string> country;                       // venue person -> country
  std::set<std::string> onsite;                                     // venue persons with an entry
  std::set<std::pair<std::string, std::string>> onsite_categories;  // (person, category)
  std::map<std::pair<std::string, std::string>, bool> inside;       // (event, badge) -> inside
  std::map<std::pair<std::string, std::string>, std::string> inside_person;
  std::set<std::string> remote;
  std::set<std::pair<std::string, std::string>> remote_categories;
  std::map<std::pair<std::string, std::string>, int> connections;  // (event, participant)
  std::map<std::pair<std::string, std::string>, std::string> participant_person;
};

std::map<std::string, int> count_by(const std::set<std::string>& people,
                                    const std::map<std::string, std::string>& country) {
  std::map<std::string, int> counts;
  for (const auto& person : people) ++counts[country.at(person)];
  return counts;
}

std::map<std::string, int> category_counts(
    const std::set<std::pair<std::string, std::string>>& pairs) {
  std::map<std::string, int> counts;
  for (const auto& [person, category] : pairs) ++counts[category];
  return counts;
}

std::map<std::string, int> without_zeros(const google::protobuf::Map<std::string, int>& map) {
  std::map<std::string, int> out;
  for (const auto& [key, value] : map) {
    if (value != 0) out[key] = value;
  }
  return out;
}

class VenueTotalsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::mt19937 random(1515);
    // 60 people: 0-19 at both events and linked, 20-24 at both but unlinked (their registries
    // have no person id: two people for the venue, never a silent merge), 25-44 at WSIS only,
    // 45-59 at AI for Good only.
    for (int k = 0; k < 60; ++k) {
      const auto country = kCountries[k % kCountries.size()];
      const bool both = k < 25, linked = k < 20;
      const auto person = "person-" + std::to_string(k);
      if (linked) redis_.command({"HSET", store::venue_persons_key(kVenue), person, country});
      for (int e = 0; e < 2; ++e) {
        if (!both && (e == 0) != (k < 45)) continue;
        Badge badge{.event = kEvents[e],
                    .id = (e == 0 ? "W" : "A") + std::to_string(k),
                    .country = country,
                    // A linked person holds another category at the second event.
                    .category = e == 1 && k % 3 == 0 ? "un" : (k % 2 ? "minister" : "youth"),
                    .person = linked ? person : ""};
        badge.venue_person = linked ? person : badge.event + "/" + badge.id;
        badges_.push_back(badge);
      }
    }
    for (int e = 0; e < 2; ++e) {
      std::string csv = "badge_id,country,category,name,organization\n";
      for (const auto& badge : badges_) {
        if (badge.event == kEvents[e]) {
          csv += badge.id + "," + badge.country + "," + badge.category + ",Name " + badge.id +
                 ",Org\n";
        }
      }
      ASSERT_TRUE(
          support::import_registry(redis_, kEvents[e], csv, {.file_name = kEvents[e] + ".csv"}));
      platform_tokens_.push_back(support::issue_token(redis_, kEvents[e], v1::platform));
    }
    // The importer's person links, written as it writes them.
    for (const auto& badge : badges_) {
      if (!badge.person.empty()) {
        redis_.command({"HSET", store::badge_key(badge.event, badge.id), "person", badge.person});
      }
    }
    redis_.command({"SADD", std::string(store::kVenuesKey), kVenue});
    redis_.command({"HSET", store::venue_key(kVenue), "config",
                    std::string("{\"id\":\"") + kVenue +
                        "\",\"name\":\"Palexpo\",\"events\":[\"wsis-v\",\"aifg-v\"]}",
                    "events", ",wsis-v,aifg-v,"});
    display_token_ = support::issue_token(redis_, store::venue_feed(kVenue), v1::display);
    organizer_token_ = support::issue_token(redis_, store::venue_feed(kVenue), v1::organizer);
    for (int g = 0; g < 2; ++g) {
      gateways_.push_back(std::make_unique<GatewayProcess>(
          redis_.url(),
          std::vector<std::string>{"--tick-ms", "20", "--venue-fold-ms", "50", "--threads", "2"}));
    }
  }

  void TearDown() override {
    for (auto& gateway : gateways_) EXPECT_TRUE(gateway->alive()) << gateway->log();
  }

  std::string venue_country(const Badge& badge) const { return badge.country; }

  // One desk of `event` on each gateway: its badges' scans in order, each sometimes sent again
  // (the same scan id, through either gateway).
  void run_desk(int event, int desk, const std::vector<const Badge*>& mine, unsigned seed) {
    std::mt19937 random(seed);
    std::vector<std::unique_ptr<tools::client::DeskClient>> desks;
    for (auto& gateway : gateways_) {
      auto client = std::make_unique<tools::client::DeskClient>();
      client->set_token(support::issue_desk_token(
          redis_, kEvents[event], "desk-" + std::to_string(event) + "-" + std::to_string(desk)));
      client->connect(gateway->host(), gateway->port(), kEvents[event]);
      desks.push_back(std::move(client));
    }
    int n = 0;
    std::vector<v1::ScanRequest> sent;
    auto send = [&](const v1::ScanRequest& request) {
      const auto result = desks[random() % 2]->scan(request);
      EXPECT_NE(result.status(), v1::unavailable) << request.scan_id();
      return result;
    };
    for (const auto* badge : mine) {
      const int scans = 1 + random() % 4;
      for (int s = 0; s < scans; ++s) {
        v1::ScanRequest request;
        request.set_scan_id(kEvents[event] + "-" + std::to_string(desk) + "-" +
                            std::to_string(++n));
        request.set_badge_id(badge->id);
        request.set_zone("hall");
        // Mostly in; an exit now and then.
        const bool in = s == 0 || random() % 3 != 0;
        request.set_direction(in ? v1::in : v1::out);
        send(request);
        sent.push_back(request);
        record_scan(*badge, in);
        if (random() % 4 == 0) send(request);  // a replay at once
      }
    }
    // Replays of old scan ids, later: nothing changes.
    for (int r = 0; r < 10 && !sent.empty(); ++r) {
      const auto result = send(sent[random() % sent.size()]);
      EXPECT_TRUE(result.replay());
    }
    // A badge neither event knows: refused, never counted.
    v1::ScanRequest stranger;
    stranger.set_scan_id(kEvents[event] + "-stranger-" + std::to_string(desk));
    stranger.set_badge_id("NOBODY");
    stranger.set_zone("hall");
    stranger.set_direction(v1::in);
    EXPECT_EQ(send(stranger).status(), v1::unknown_badge);
  }

  void record_scan(const Badge& badge, bool in) {
    std::lock_guard lock(mutex_);
    truth_.country[badge.venue_person] = venue_country(badge);
    const auto key = std::make_pair(badge.event, badge.id);
    truth_.inside[key] = in;
    truth_.inside_person[key] = badge.venue_person;
    if (in) {
      truth_.onsite.insert(badge.venue_person);
      truth_.onsite_categories.insert({badge.venue_person, badge.category});
    }
  }

  // A platform bridge of `event` on one gateway: joins and leaves of its participants, in order,
  // each batch sometimes sent twice (the same presence ids: counted once).
  void run_bridge(int event, int gateway, const std::vector<std::string>& participants,
                  const std::map<std::string, const Badge*>& badge_of, unsigned seed) {
    std::mt19937 random(seed);
    tools::client::WebSocketConnection connection;
    connection.set_token(platform_tokens_[event]);
    connection.connect(gateways_[gateway]->host(), gateways_[gateway]->port(),
                       tools::client::channel_target("/v1/online", kEvents[event]) + "&bridge=b" +
                           std::to_string(gateway),
                       "", 5s);
    int n = 0;
    for (const auto& participant : participants) {
      const auto* badge = badge_of.contains(participant) ? badge_of.at(participant) : nullptr;
      const int steps = 1 + random() % 4;
      for (int s = 0; s < steps; ++s) {
        const bool join = s % 2 == 0;
        v1::OnlineRequest request;
        auto* item = request.mutable_batch()->add_events();
        item->set_presence_id(kEvents[event] + "-" + std::to_string(gateway) + "-" +
                              std::to_string(++n));
        item->set_kind(join ? v1::join : v1::leave);
        item->set_participant_id(participant);
        if (join && badge) item->set_badge_id(badge->id);
        if (join && !badge) item->set_country(kCountries[n % kCountries.size()]);
        const auto frame = services::wire::encode(request, services::wire::Encoding::binary);
        const int sends = random() % 4 == 0 ? 2 : 1;
        for (int i = 0; i < sends; ++i) {
          connection.write(frame, false, 5s);
          const auto reply = connection.read(10s);
          ASSERT_TRUE(reply);
          v1::OnlineReply decoded;
          std::string error;
          ASSERT_TRUE(services::wire::decode(reply->data, services::wire::Encoding::binary,
                                             &decoded, &error))
              << error;
          ASSERT_TRUE(decoded.has_result()) << decoded.DebugString();
          ASSERT_EQ(decoded.result().acks_size(), 1);
          const auto status = decoded.result().acks(0).status();
          ASSERT_TRUE(status == v1::PresenceAck::joined || status == v1::PresenceAck::rejoined ||
                      status == v1::PresenceAck::left)
              << decoded.DebugString();
        }
        record_presence(event, participant, badge, join, item->country());
      }
    }
  }

  void record_presence(int event, const std::string& participant, const Badge* badge, bool join,
                       const std::string& country) {
    std::lock_guard lock(mutex_);
    const auto key = std::make_pair(kEvents[event], participant);
    if (join && !truth_.participant_person.contains(key)) {
      const auto person = badge ? badge->venue_person : kEvents[event] + "/~" + participant;
      truth_.participant_person[key] = person;
      truth_.country.emplace(person, badge ? badge->country : country);
      truth_.remote.insert(person);
      truth_.remote_categories.insert({person, badge ? badge->category : ""});
    }
    truth_.connections[key] += join ? 1 : -1;
  }

  std::string last_log_id(const std::string& event) {
    const auto reply = redis_.command({"XREVRANGE", store::log_key(event), "+", "-", "COUNT", "1"});
    return reply.substr(0, reply.find('\n'));
  }

  v1::Totals venue_totals(GatewayProcess& gateway) {
    return support::http_totals(gateway, std::string("/v1/venues/") + kVenue + "/totals",
                                organizer_token_);
  }

  RedisServer redis_;
  std::vector<Badge> badges_;
  std::vector<std::string> platform_tokens_;
  std::string display_token_;
  std::string organizer_token_;
  std::vector<std::unique_ptr<GatewayProcess>> gateways_;
  std::mutex mutex_;
  Truth truth_;
};

TEST_F(VenueTotalsTest, ConcurrentDesksAndBridgesOfTwoEventsGiveTheTruthsFigures) {
  // A venue display, open from the start: it must follow the fold live.
  tools::client::DisplayClient screen;
  screen.set_token(display_token_);
  screen.connect_target(gateways_[0]->host(), gateways_[0]->port(),
                        std::string("/v1/display?venue=") + kVenue);
  ASSERT_TRUE(screen.wait_until([](const v1::Totals&) { return true; }));

  // Desks: two per event, each owning half of its event's badges (a person's scans at one event
  // are in order; across events and desks everything runs at once).
  std::vector<std::thread> threads;
  for (int e = 0; e < 2; ++e) {
    for (int d = 0; d < 2; ++d) {
      std::vector<const Badge*> mine;
      int i = 0;
      for (const auto& badge : badges_) {
        if (badge.event == kEvents[e] && i++ % 2 == d) mine.push_back(&badge);
      }
      threads.emplace_back([this, e, d, mine] { run_desk(e, d, mine, 100 + e * 10 + d); });
    }
  }
  // Bridges: one per event and gateway. Participants wear the badges of people 0-9 and 20-22 and
  // 30-34 and 50-54 (so some are on site too, some linked across events), plus online-only ones.
  for (int e = 0; e < 2; ++e) {
    std::map<std::string, const Badge*> badge_of;
    std::vector<std::string> participants[2];
    int i = 0;
    for (const auto& badge : badges_) {
      if (badge.event != kEvents[e]) continue;
      const int k = std::stoi(badge.id.substr(1));
      if (k < 10 || (k >= 20 && k < 23) || (k >= 30 && k < 35) || (k >= 50 && k < 55)) {
        const auto participant = "zoom-" + badge.id;
        badge_of[participant] = &badge;
        participants[i++ % 2].push_back(participant);
      }
    }
    for (int o = 0; o < 6; ++o) participants[o % 2].push_back("guest-" + std::to_string(o));
    for (int g = 0; g < 2; ++g) {
      threads.emplace_back([this, e, g, badge_of, list = participants[g]] {
        run_bridge(e, g, list, badge_of, 500 + e * 10 + g);
      });
    }
  }
  for (auto& thread : threads) thread.join();
  ASSERT_FALSE(HasFailure());

  // Caught up: each event's cursor is its last log id (every gateway folds; any may have).
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  for (const auto& event : kEvents) {
    const auto last = last_log_id(event);
    ASSERT_FALSE(last.empty());
    while (redis_.command({"HGET", store::tag(store::venue_feed(kVenue)) + ":cursor", event}) !=
           last) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << event << " never caught up";
      std::this_thread::sleep_for(20ms);
    }
  }

  // The truth, from what was sent.
  std::set<std::string> inside, online;
  for (const auto& [key, in] : truth_.inside) {
    if (in) inside.insert(truth_.inside_person.at(key));
  }
  for (const auto& [key, connections] : truth_.connections) {
    ASSERT_GE(connections, 0);
    if (connections > 0) online.insert(truth_.participant_person.at(key));
  }
  std::set<std::string> hybrid;
  for (const auto& person : truth_.onsite) {
    if (truth_.remote.contains(person)) hybrid.insert(person);
  }
  const auto day = [&] {
    const auto totals = venue_totals(*gateways_[0]);
    EXPECT_EQ(totals.days_size(), 1);
    return totals.days().empty() ? std::string() : totals.days().begin()->first;
  }();

  for (auto& gateway : gateways_) {
    const auto totals = venue_totals(*gateway);
    SCOPED_TRACE("gateway on port " + std::to_string(gateway->port()));
    EXPECT_EQ(totals.event_id(), store::venue_feed(kVenue));
    EXPECT_EQ(totals.onsite(), static_cast<int>(truth_.onsite.size()));
    EXPECT_EQ(totals.inside_now(), static_cast<int>(inside.size()));
    EXPECT_EQ(totals.remote(), static_cast<int>(truth_.remote.size()));
    EXPECT_EQ(totals.online_now(), static_cast<int>(online.size()));
    EXPECT_EQ(totals.hybrid(), static_cast<int>(hybrid.size()));
    EXPECT_EQ(totals.participants(),
              static_cast<int>(truth_.onsite.size() + truth_.remote.size() - hybrid.size()));
    EXPECT_EQ(without_zeros(totals.onsite_by_country()), count_by(truth_.onsite, truth_.country));
    EXPECT_EQ(without_zeros(totals.onsite_by_category()),
              category_counts(truth_.onsite_categories));
    EXPECT_EQ(without_zeros(totals.remote_by_country()), count_by(truth_.remote, truth_.country));
    EXPECT_EQ(without_zeros(totals.remote_by_category()),
              category_counts(truth_.remote_categories));
    EXPECT_EQ(without_zeros(totals.online_by_country()), count_by(online, truth_.country));
    EXPECT_GE(totals.peak_online(), totals.online_now());
    EXPECT_LE(totals.peak_online(), totals.remote());
    ASSERT_TRUE(totals.days().contains(day));
    const auto& today = totals.days().at(day);
    EXPECT_EQ(today.onsite(), static_cast<int>(truth_.onsite.size()));
    EXPECT_EQ(without_zeros(today.onsite_by_country()), count_by(truth_.onsite, truth_.country));
    EXPECT_EQ(without_zeros(today.onsite_by_category()), category_counts(truth_.onsite_categories));
    EXPECT_EQ(today.remote(), static_cast<int>(truth_.remote.size()));
    EXPECT_EQ(without_zeros(today.remote_by_country()), count_by(truth_.remote, truth_.country));
    EXPECT_EQ(without_zeros(today.remote_by_category()), category_counts(truth_.remote_categories));
  }

  // The display that was open all along has the same figures (as_of aside), at the same seq: a
  // fold or a lease renewal may still move seq, so the display is compared with the HTTP answer
  // of the seq it shows (a tick behind is not a difference).
  v1::Totals http;
  v1::Totals shown;
  for (int attempt = 0; attempt < 20; ++attempt) {
    http = venue_totals(*gateways_[1]);
    ASSERT_TRUE(
        screen.wait_until([&](const v1::Totals& state) { return state.seq() >= http.seq(); }, 10s));
    shown = screen.state();
    if (shown.seq() == http.seq()) break;
  }
  ASSERT_EQ(shown.seq(), http.seq()) << "seq kept moving";
  shown.clear_as_of();
  http.clear_as_of();
  EXPECT_EQ(shown.DebugString(), http.DebugString());
  EXPECT_GT(screen.updates_applied(), 0);

  std::cout << "[ figures ] venue: onsite " << truth_.onsite.size() << ", inside " << inside.size()
            << ", remote " << truth_.remote.size() << ", online " << online.size() << ", hybrid "
            << hybrid.size() << "; events' onsite "
            << redis_.command({"HGET", store::counters_key(kEvents[0]), "onsite"}) << " + "
            << redis_.command({"HGET", store::counters_key(kEvents[1]), "onsite"}) << "\n";
}

// Redis goes away and comes back: every gateway's fold counts and logs the failure with its
// cause, then catches up, and nothing is lost or counted twice.
TEST_F(VenueTotalsTest, TheFoldCountsAnOutageAndCatchesUpAfterIt) {
  // A third of each event's badges enter: the first third before the outage, the next after.
  auto scan_all = [&](const std::string& prefix, int third) {
    for (int e = 0; e < 2; ++e) {
      tools::client::DeskClient desk;
      desk.set_token(support::issue_desk_token(redis_, kEvents[e], "desk-" + prefix));
      desk.connect(gateways_[e]->host(), gateways_[e]->port(), kEvents[e]);
      int n = 0;
      for (const auto& badge : badges_) {
        if (badge.event != kEvents[e] || n++ % 3 != third) continue;
        v1::ScanRequest request;
        request.set_scan_id(prefix + "-" + badge.id);
        request.set_badge_id(badge.id);
        request.set_zone("hall");
        request.set_direction(v1::in);
        ASSERT_EQ(desk.scan(request).status(), v1::accepted) << badge.id;
        record_scan(badge, true);
      }
    }
  };
  auto caught_up = [&] {
    for (const auto& event : kEvents) {
      const auto deadline = std::chrono::steady_clock::now() + 20s;
      while (redis_.command({"HGET", store::tag(store::venue_feed(kVenue)) + ":cursor", event}) !=
             last_log_id(event)) {
        ASSERT_LT(std::chrono::steady_clock::now(), deadline) << event << " never caught up";
        std::this_thread::sleep_for(20ms);
      }
    }
  };
  scan_all("before", 0);
  caught_up();
  redis_.kill(15);  // a clean shutdown: what was acknowledged is in the AOF
  std::this_thread::sleep_for(1500ms);
  redis_.start();
  for (auto& gateway : gateways_) {
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (tools::client::http_get(gateway->host(), gateway->port(), "/readyz").status != 200) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << gateway->log();
      std::this_thread::sleep_for(50ms);
    }
    const auto metrics = tools::client::http_get(gateway->host(), gateway->port(), "/metrics").body;
    EXPECT_NE(metrics.find("rollcall_redis_failures_total{site=\"venue_fold\",kind=\"link\"}"),
              std::string::npos)
        << metrics;
    EXPECT_NE(gateway->log().find("answering venue_fold"), std::string::npos) << gateway->log();
  }
  scan_all("after", 1);
  caught_up();
  for (auto& gateway : gateways_) {
    const auto totals = venue_totals(*gateway);
    EXPECT_EQ(totals.onsite(), static_cast<int>(truth_.onsite.size()));
    EXPECT_EQ(totals.inside_now(), static_cast<int>(truth_.onsite.size()));  // nobody left
    EXPECT_EQ(without_zeros(totals.onsite_by_category()),
              category_counts(truth_.onsite_categories));
    const auto metrics = tools::client::http_get(gateway->host(), gateway->port(), "/metrics").body;
    EXPECT_NE(metrics.find("rollcall_venue_entries_folded_total"), std::string::npos);
  }
}

// The wall's list: the venue's config with each event's name, behind the venue's own tokens.
TEST_F(VenueTotalsTest, VenueInfoNamesItsEventsAndNeedsAVenueToken) {
  auto& gateway = *gateways_[0];
  const auto info =
      tools::client::http_get(gateway.host(), gateway.port(), std::string("/v1/venues/") + kVenue,
                              tools::client::bearer(display_token_));
  EXPECT_EQ(info.status, 200) << info.body;
  EXPECT_NE(info.body.find("\"id\":\"wsis-v\""), std::string::npos) << info.body;
  EXPECT_NE(info.body.find("\"id\":\"aifg-v\""), std::string::npos) << info.body;
  // An event's token is not the venue's.
  const auto event_token = support::issue_token(redis_, kEvents[0], v1::organizer);
  EXPECT_EQ(tools::client::http_get(gateway.host(), gateway.port(),
                                    std::string("/v1/venues/") + kVenue + "/totals",
                                    tools::client::bearer(event_token))
                .status,
            401);
  // A venue's token is not an event's.
  EXPECT_EQ(tools::client::http_get(gateway.host(), gateway.port(), "/v1/events/wsis-v/totals",
                                    tools::client::bearer(organizer_token_))
                .status,
            401);
  const auto unknown = support::issue_token(redis_, store::venue_feed("nowhere"), v1::display);
  const auto missing = tools::client::http_get(
      gateway.host(), gateway.port(), "/v1/venues/nowhere/totals", tools::client::bearer(unknown));
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("unknown_venue"), std::string::npos);
}

}  // namespace
}  // namespace rollcall::tests::integration
