// End to end, as desks and displays see it: a private redis-server, the registry imported with
// the real rollcall-import, the real rollcall-gateway, and Beast WebSocket clients.
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <map>
#include <thread>

#include "services/wire/codec.h"
#include "tests/support/gateway_process.h"
#include "tests/support/http_totals.h"
#include "tests/support/redis_server.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/tokens.h"
#include "tools/client/desk_client.h"
#include "tools/client/display_client.h"
#include "tools/client/errors.h"
#include "tools/client/http_get.h"

namespace rollcall::tests::integration {
namespace {

using namespace std::chrono_literals;
using google::protobuf::util::TimeUtil;
using support::GatewayProcess;
using support::RedisServer;
using tools::client::ClosedError;
using tools::client::DeskClient;
using tools::client::DisplayClient;
using tools::client::Encoding;

constexpr const char* kEvent = "e2e-2025";

// Who is in the registry, and what the counts must be once the scans of a test are done.
constexpr const char* kRegistry =
    "badge_id,country,category,name,organization\n"
    "M1,ZA,minister,Solly Malatsi,Government of South Africa\n"
    "M2,CH,minister,Anna Meier,Swiss Confederation\n"
    "R1,EG,regulator,نورة الشامسي,NTRA\n"
    "U1,,un,李伟,ITU\n"
    "Y1,BR,youth,João Silva,Youth IGF\n"
    "T1,CH,technical,Jean Dupont,EPFL\n";

class GatewayE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(support::import_registry(redis_, kEvent, kRegistry));
    desk_token_ = support::issue_token(redis_, kEvent, v1::desk);
    display_token_ = support::issue_token(redis_, kEvent, v1::display);
    organizer_token_ = support::issue_token(redis_, kEvent, v1::organizer);
    gateway_ = std::make_unique<GatewayProcess>(redis_.url(), gateway_args());
  }

  void TearDown() override {
    if (gateway_) {
      EXPECT_TRUE(gateway_->alive()) << "the gateway died:\n" << gateway_->log();
    }
  }

  virtual std::vector<std::string> gateway_args() { return {"--tick-ms", "20"}; }

  std::unique_ptr<DeskClient> desk(Encoding encoding = Encoding::binary) {
    auto client = std::make_unique<DeskClient>();
    client->set_token(desk_token_);
    client->connect(gateway_->host(), gateway_->port(), kEvent, encoding);
    return client;
  }
  std::unique_ptr<DisplayClient> display(Encoding encoding = Encoding::binary) {
    auto client = std::make_unique<DisplayClient>();
    client->set_token(display_token_);
    client->connect(gateway_->host(), gateway_->port(), kEvent, encoding);
    return client;
  }

  static v1::ScanRequest scan(const std::string& scan_id, const std::string& badge,
                              v1::Direction direction = v1::in, const std::string& zone = "hall",
                              std::optional<std::chrono::system_clock::time_point> at = {}) {
    v1::ScanRequest request;
    request.set_scan_id(scan_id);
    request.set_badge_id(badge);
    request.set_desk_id("desk-1");
    request.set_zone(zone);
    request.set_direction(direction);
    if (at) {
      *request.mutable_device_time() = TimeUtil::MillisecondsToTimestamp(
          std::chrono::duration_cast<std::chrono::milliseconds>(at->time_since_epoch()).count());
    }
    return request;
  }

  v1::Totals http_totals() {
    return support::http_totals(*gateway_, std::string("/v1/events/") + kEvent + "/totals",
                                organizer_token_);
  }

  // The display converges to the same figures the HTTP API reports (as_of aside).
  static void expect_same_figures(v1::Totals a, v1::Totals b) {
    a.clear_as_of();
    b.clear_as_of();
    EXPECT_EQ(a.DebugString(), b.DebugString());
  }

  RedisServer redis_;
  std::string desk_token_;
  std::string display_token_;
  std::string organizer_token_;
  std::unique_ptr<GatewayProcess> gateway_;
};

TEST_F(GatewayE2E, ScansReachTheDisplayWithTheRightCounts) {
  auto screen = display();
  ASSERT_TRUE(screen->wait_until([](const v1::Totals& t) { return t.has_onsite(); }));
  EXPECT_EQ(screen->state().onsite(), 0);

  auto json_desk = desk(Encoding::json);
  auto binary_desk = desk();
  auto result = json_desk->scan(scan("s1", "M1"));
  EXPECT_EQ(result.status(), v1::accepted);
  EXPECT_EQ(result.attendee().name(), "Solly Malatsi");
  EXPECT_EQ(result.attendee().country(), "ZA");
  EXPECT_FALSE(result.reason().empty());
  EXPECT_EQ(binary_desk->scan(scan("s2", "R1")).attendee().name(), "نورة الشامسي");
  EXPECT_EQ(binary_desk->scan(scan("s3", "U1")).status(), v1::accepted);
  EXPECT_EQ(binary_desk->scan(scan("s4", "M2", v1::in, "room_1")).status(), v1::accepted);
  EXPECT_EQ(binary_desk->scan(scan("s5", "M2", v1::out, "room_1")).status(), v1::exit);
  EXPECT_EQ(json_desk->scan(scan("s6", "M1")).status(), v1::already_inside);
  EXPECT_EQ(json_desk->scan(scan("s7", "Y1", v1::out)).status(), v1::not_inside);

  ASSERT_TRUE(screen->wait_until([](const v1::Totals& t) { return t.onsite() == 4; }))
      << screen->state().DebugString();
  ASSERT_TRUE(screen->wait_until(
      [](const v1::Totals& t) { return t.scans_by_status().contains("not_inside"); }));
  const auto& totals = screen->state();
  EXPECT_EQ(totals.inside_now(), 3);
  EXPECT_EQ(totals.countries_onsite(), 3);  // ZA, EG, CH; the UN badge has no country
  EXPECT_EQ(totals.onsite_by_country().at("ZA"), 1);
  EXPECT_EQ(totals.onsite_by_country().at("CH"), 1);
  EXPECT_EQ(totals.onsite_by_country().at(""), 1);
  EXPECT_EQ(totals.onsite_by_category().at("minister"), 2);
  EXPECT_EQ(totals.onsite_by_category().at("regulator"), 1);
  EXPECT_EQ(totals.inside_by_zone().at("hall"), 3);
  EXPECT_EQ(totals.inside_by_zone().at("room_1"), 0);
  EXPECT_EQ(totals.scans_by_status().at("accepted"), 4);
  EXPECT_EQ(totals.scans_by_status().at("exit"), 1);
  EXPECT_EQ(totals.scans_by_status().at("already_inside"), 1);
  EXPECT_EQ(totals.days().size(), 1u);
  EXPECT_EQ(totals.days().begin()->second.onsite(), 4);
  expect_same_figures(totals, http_totals());

  // No personal data on the display channel or in the totals.
  const auto json = encode(totals, services::wire::Encoding::json);
  EXPECT_EQ(json.find("Malatsi"), std::string::npos);
  EXPECT_EQ(json.find("NTRA"), std::string::npos);
}

TEST_F(GatewayE2E, ReplayedScanIdOnAnotherConnectionReturnsTheOriginalAndCountsOnce) {
  auto first = desk();
  const auto original = first->scan(scan("replay-1", "T1"));
  ASSERT_EQ(original.status(), v1::accepted);
  EXPECT_FALSE(original.replay());
  first->close();

  auto again = desk(Encoding::json);  // the desk reconnected after a drop
  for (int i = 0; i < 3; ++i) {
    const auto replay = again->scan(scan("replay-1", "T1"));
    EXPECT_EQ(replay.status(), v1::accepted);
    EXPECT_TRUE(replay.replay());
    EXPECT_EQ(replay.server_time().seconds(), original.server_time().seconds());
  }
  const auto totals = http_totals();
  EXPECT_EQ(totals.onsite(), 1);
  EXPECT_EQ(totals.inside_now(), 1);
  EXPECT_EQ(totals.scans_by_status().at("accepted"), 1);
  EXPECT_EQ(totals.scans_by_status().size(), 1u);
}

TEST_F(GatewayE2E, ConcurrentDesksScanningOneBadgeAdmitItOnce) {
  constexpr int kDesks = 8;
  std::atomic<int> accepted = 0, already_inside = 0, other = 0;
  std::atomic<int> ready = 0;
  std::vector<std::thread> desks;
  for (int d = 0; d < kDesks; ++d) {
    desks.emplace_back([&, d] {
      auto client = desk(d % 2 ? Encoding::json : Encoding::binary);
      ++ready;
      while (ready < kDesks) std::this_thread::yield();
      for (int round = 0; round < 5; ++round) {
        const auto result =
            client->scan(scan("c" + std::to_string(d) + "-" + std::to_string(round), "Y1"));
        (result.status() == v1::accepted         ? accepted
         : result.status() == v1::already_inside ? already_inside
                                                 : other)++;
      }
    });
  }
  for (auto& thread : desks) thread.join();
  EXPECT_EQ(accepted, 1);
  EXPECT_EQ(already_inside, kDesks * 5 - 1);
  EXPECT_EQ(other, 0);
  const auto totals = http_totals();
  EXPECT_EQ(totals.onsite(), 1);
  EXPECT_EQ(totals.inside_now(), 1);
}

TEST_F(GatewayE2E, EntryExitAndReentryAcrossTwoDays) {
  const auto today = std::chrono::system_clock::now();
  // Noon yesterday (the event's days are UTC): +1 h and +2 h stay on the same day.
  const auto yesterday = std::chrono::floor<std::chrono::days>(today) - 12h;
  auto client = desk();
  // Day one, replayed by a desk that was offline: counts for the day it was made.
  auto result = client->scan(scan("d1-in", "M2", v1::in, "hall", yesterday));
  EXPECT_EQ(result.status(), v1::accepted);
  EXPECT_TRUE(result.late());
  const auto day_one = result.day();
  EXPECT_EQ(client->scan(scan("d1-out", "M2", v1::out, "hall", yesterday + 1h)).status(), v1::exit);
  EXPECT_EQ(client->scan(scan("d1-in2", "M2", v1::in, "hall", yesterday + 2h)).status(),
            v1::reentry);
  // Day two: a new first entry, even though the exit of day one was missed.
  result = client->scan(scan("d2-in", "M2", v1::in, "hall", today));
  EXPECT_EQ(result.status(), v1::accepted);
  EXPECT_NE(result.day(), day_one);
  EXPECT_EQ(client->scan(scan("d2-out", "M2", v1::out)).status(), v1::exit);
  EXPECT_EQ(client->scan(scan("d2-in2", "M2", v1::in)).status(), v1::reentry);

  const auto totals = http_totals();
  EXPECT_EQ(totals.onsite(), 1);  // one person over the event
  EXPECT_EQ(totals.inside_now(), 1);
  ASSERT_EQ(totals.days().size(), 2u);
  EXPECT_EQ(totals.days().at(day_one).onsite(), 1);
  EXPECT_EQ(totals.days().at(result.day()).onsite(), 1);
  EXPECT_EQ(totals.days().at(result.day()).onsite_by_category().at("minister"), 1);
  EXPECT_EQ(totals.scans_by_status().at("accepted"), 2);
  EXPECT_EQ(totals.scans_by_status().at("reentry"), 2);
}

TEST_F(GatewayE2E, BadInputGetsAClearAnswerAndCountsNothing) {
  auto binary = desk();
  binary->send_binary("\xff\xff\xff\xff not protobuf");
  auto frame = binary->read_raw();
  ASSERT_TRUE(frame);
  auto result = binary->decode(*frame);
  EXPECT_EQ(result.status(), v1::malformed);
  EXPECT_FALSE(result.reason().empty());

  auto json = desk(Encoding::json);
  json->send_text(R"({"scan_id":"bad-1","badge_id":"M1","desk_id":"d","zone":"hall",)"
                  R"("direction":"sideways"})");
  frame = json->read_raw();
  ASSERT_TRUE(frame);
  result = json->decode(*frame);
  EXPECT_EQ(result.status(), v1::malformed);
  EXPECT_EQ(result.scan_id(), "bad-1");  // the desk can tell which scan failed
  json->send_text("{not json at all");
  frame = json->read_raw();
  ASSERT_TRUE(frame);
  EXPECT_EQ(json->decode(*frame).status(), v1::malformed);

  auto missing = scan("bad-2", "M1");
  missing.clear_zone();
  EXPECT_EQ(json->scan(missing).status(), v1::malformed);
  EXPECT_EQ(json->scan(scan("bad-3", "NOBODY")).status(), v1::unknown_badge);
  EXPECT_EQ(json->scan(scan("bad-4", "M1 ; DROP")).status(), v1::malformed);
  // The connections are still fine after all that.
  EXPECT_EQ(binary->scan(scan("good-1", "M1")).status(), v1::accepted);

  // A frame over the limit (64 KiB) is refused with close code 1009 (too big). The gateway
  // refuses it as soon as it reads the frame's length; a client still writing the rest may see
  // its socket reset (1006) before it can read the close frame. Either way the connection ends.
  auto big = desk();
  bool refused_while_writing = false;
  try {
    big->send_binary(std::string(70 * 1024, 'x'));
  } catch (const ClosedError&) {
    refused_while_writing = true;
  }
  if (!refused_while_writing) {
    EXPECT_THROW(
        {
          while (big->read_raw(2s)) {
          }
        },
        ClosedError);
  }
  ASSERT_TRUE(big->close_info());
  if (!refused_while_writing || big->close_info()->code != 1006) {
    EXPECT_EQ(big->close_info()->code, 1009) << big->close_info()->reason;
  }

  // An unknown event is refused with 1008 and says why (to a client holding a token for it:
  // without one it learns nothing, see the security tests).
  DeskClient stranger;
  stranger.set_token(support::issue_token(redis_, "no-such-event", v1::desk));
  stranger.connect(gateway_->host(), gateway_->port(), "no-such-event");
  EXPECT_THROW(stranger.scan(scan("x", "M1")), ClosedError);
  ASSERT_TRUE(stranger.close_info());
  EXPECT_EQ(stranger.close_info()->code, 1008);
  EXPECT_NE(stranger.close_info()->reason.find("unknown event"), std::string::npos);

  DisplayClient stranger_display;
  stranger_display.set_token(support::issue_token(redis_, "no-such-event", v1::display));
  stranger_display.connect(gateway_->host(), gateway_->port(), "no-such-event", Encoding::json);
  EXPECT_THROW(
      {
        while (stranger_display.next()) {
        }
      },
      ClosedError);
  ASSERT_TRUE(stranger_display.last_error());
  EXPECT_EQ(stranger_display.last_error()->code(), "unknown_event");

  // A socket without ?event= is refused before the upgrade.
  const auto no_event = tools::client::http_get(gateway_->host(), gateway_->port(), "/v1/desk");
  EXPECT_NE(no_event.status, 200);
  EXPECT_EQ(tools::client::http_get(
                gateway_->host(), gateway_->port(), "/v1/events/nope/totals",
                tools::client::bearer(support::issue_token(redis_, "nope", v1::organizer)))
                .status,
            404);
  EXPECT_EQ(tools::client::http_get(gateway_->host(), gateway_->port(), "/../etc/passwd").status,
            404);

  const auto totals = http_totals();
  EXPECT_EQ(totals.onsite(), 1);  // only good-1
  EXPECT_EQ(totals.scans_by_status().at("unknown_badge"), 1);
  EXPECT_FALSE(totals.scans_by_status().contains("malformed"));
  EXPECT_EQ(tools::client::http_get(gateway_->host(), gateway_->port(), "/healthz").status, 200);
}

TEST_F(GatewayE2E, RedisOutageAnswersUnavailableThenRecoversWithoutLoss) {
  auto client = desk();
  auto screen = display();
  EXPECT_EQ(client->scan(scan("o-1", "M1")).status(), v1::accepted);
  // The display is in once its first snapshot arrives: the gateway looks its event up after the
  // handshake, and a lookup caught by the kill below closes it with 1013 (try again later).
  ASSERT_TRUE(screen->wait_until([](const v1::Totals&) { return true; }, 20s));

  redis_.kill();
  // Until the gateway notices, a scan may fail either way; it always gets an answer.
  const auto during = client->scan(scan("o-2", "R1"));
  EXPECT_EQ(during.status(), v1::unavailable);
  EXPECT_FALSE(during.reason().empty());
  EXPECT_EQ(tools::client::http_get(gateway_->host(), gateway_->port(), "/readyz").status, 503);

  redis_.start();  // AOF brings back everything acknowledged
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (tools::client::http_get(gateway_->host(), gateway_->port(), "/readyz").status != 200) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << gateway_->log();
    std::this_thread::sleep_for(50ms);
  }
  // The desk retries with the same scan_id: counted once.
  EXPECT_EQ(client->scan(scan("o-2", "R1")).status(), v1::accepted);
  EXPECT_TRUE(client->scan(scan("o-2", "R1")).replay());
  EXPECT_EQ(client->scan(scan("o-1", "M1")).status(), v1::accepted);  // survived the restart

  ASSERT_TRUE(screen->wait_until([](const v1::Totals& t) { return t.onsite() == 2; }, 20s))
      << screen->state().DebugString();
  expect_same_figures(screen->state(), http_totals());
}

TEST_F(GatewayE2E, ADisplayThatStopsReadingStillEndsOnTheTruth) {
  auto screen = display(Encoding::json);
  ASSERT_TRUE(screen->wait_until([](const v1::Totals& t) { return t.has_onsite(); }));
  auto client = desk();
  const char* badges[] = {"M1", "M2", "R1", "U1", "Y1", "T1"};
  // Many changes while the display reads nothing: the gateway must not queue them all.
  for (int i = 0; i < 300; ++i) {
    client->scan(scan("flood-" + std::to_string(i), badges[i % 6], i % 4 < 2 ? v1::in : v1::out));
  }
  const auto truth = http_totals();
  ASSERT_TRUE(screen->wait_until([&](const v1::Totals& t) { return t.seq() == truth.seq(); }, 10s));
  expect_same_figures(screen->state(), truth);
  int scans = 0;
  for (const auto& [status, count] : truth.scans_by_status()) scans += count;
  EXPECT_EQ(scans, 300);
}

}  // namespace
}  // namespace rollcall::tests::integration
