// Desk ids tried as an attacker would. A desk is its token: whatever desk_id its frames carry,
// a desk token scans for the one desk it was issued for, so one token cannot make an event's
// totals (and every wall's snapshot) grow; the number of desks an event tracks is bounded
// anyway; and a desk whose tablet was lost can be revoked and removed from the totals, which
// every display then drops.
#include <gtest/gtest.h>

#include <random>
#include <thread>

#include "services/auth/token.h"
#include "services/wire/codec.h"
#include "tests/attack/support/ticket_world.h"
#include "tools/client/desk_client.h"
#include "tools/client/display_client.h"
#include "tools/client/errors.h"

namespace rollcall::tests::attack {
using namespace ticket_world;
namespace {

using tools::client::DeskClient;
using tools::client::DisplayClient;

constexpr const char* kEvent = AuthWorld::kEvent;

v1::ScanRequest scan(const std::string& scan_id, const std::string& badge,
                     const std::string& desk_id, v1::Direction direction = v1::in) {
  v1::ScanRequest request;
  request.set_scan_id(scan_id);
  request.set_badge_id(badge);
  request.set_desk_id(desk_id);
  request.set_zone("hall");
  request.set_direction(direction);
  return request;
}

// Desk ids a hostile desk might send, made up anew for each frame: plausible, long, and invalid.
// scan_validator's limit on a frame's desk_id (services/checkin/scan_validator.cpp).
constexpr std::size_t kDeskIdLimit = 64;

std::string made_up_desk_id(int i, std::mt19937& rng) {
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789-_.:";
  std::string id = "desk-" + std::to_string(i) + "-";
  const auto length = 10 + rng() % 50;
  while (id.size() < length) id += kChars[rng() % (sizeof kChars - 1)];
  switch (i % 10) {
    case 7:
      return id + " with spaces";
    case 8:
      return "";
    case 9:
      return id + std::string(200, 'x');
    default:
      return id;
  }
}

std::string display_snapshot(AuthWorld& world) {
  DisplayClient display;
  display.set_token(world.token(v1::display));
  display.connect(world.host(), world.port(), kEvent);
  EXPECT_TRUE(display.wait_until([](const v1::Totals&) { return true; }));
  auto state = display.state();
  state.clear_as_of();
  return state.SerializeAsString();
}

TEST(DeskIds, ADeskTokenIsOneDeskWhateverDeskIdsItsFramesCarry) {
  // The flood must reach the counting, not the rate limit: this is about what a frame may say.
  AuthWorld world({"--messages-per-second", "100000"});
  const auto totals_before = world.totals_json().size();
  const auto snapshot_before = display_snapshot(world).size();

  DeskClient desk;
  desk.set_token(world.desk_token("kiosk-7"));
  desk.connect(world.host(), world.port(), kEvent, tools::client::Encoding::json);
  constexpr int kFrames = 3000;
  std::mt19937 rng(12);
  std::map<v1::ScanStatus, int> statuses;
  int over_limit = 0;
  for (int i = 0; i < kFrames; ++i) {
    // Mostly strangers (no attendance changes, every scan still counted and logged).
    const auto badge =
        i % 100 == 0 ? "A" + std::to_string(1 + (i / 100) % 4) : "NOBODY-" + std::to_string(i);
    const auto desk_id = made_up_desk_id(i, rng);
    // Over its field's limit a desk_id makes the frame malformed (bad input, counted nowhere);
    // any other is replaced by the token's desk.
    over_limit += desk_id.size() > kDeskIdLimit;
    ++statuses[desk.scan(scan("flood-" + std::to_string(i), badge, desk_id)).status()];
  }
  EXPECT_EQ(statuses[v1::malformed], over_limit) << "only over-long desk_ids are refused";
  EXPECT_EQ(statuses[v1::unavailable], 0);
  const int counted_frames = kFrames - over_limit;

  auto [counted, totals] = world.wait_for([&](const v1::Totals& t) {
    return t.desks().contains("kiosk-7") && t.desks().at("kiosk-7").scans() == counted_frames;
  });
  ASSERT_TRUE(counted) << totals.desks_size();
  EXPECT_EQ(totals.desks_size(), 1);
  EXPECT_EQ(totals.desks().at("kiosk-7").rejected(), statuses[v1::unknown_badge]);
  const auto totals_after = world.totals_json().size();
  const auto snapshot_after = display_snapshot(world).size();
  std::cout << "[ sizes    ] " << kFrames << " frames with made-up desk ids: totals JSON "
            << totals_before << " -> " << totals_after << " bytes, display snapshot "
            << snapshot_before << " -> " << snapshot_after << " bytes\n";
  // One desk, a few statuses, a day and an arrival minute: not a line per made-up desk.
  EXPECT_LT(totals_after, totals_before + 2048);
  EXPECT_LT(snapshot_after, snapshot_before + 1536);
  // The audit recount agrees: the log has every scan under the token's desk.
  std::string out;
  EXPECT_EQ(world.verify(&out), 0) << out;
}

TEST(DeskIds, AnEventTracksAtMostMaxDesksAndTheirScansStillCount) {
  AuthWorld world({"--max-desks", "3"});
  constexpr int kTokens = 8;
  for (int i = 0; i < kTokens; ++i) {
    DeskClient desk;
    desk.set_token(world.desk_token(""));  // no --desk: the token's id is the desk
    desk.connect(world.host(), world.port(), kEvent);
    EXPECT_EQ(desk.scan(scan("bounded-" + std::to_string(i), "NOBODY-" + std::to_string(i), "x"))
                  .status(),
              v1::unknown_badge);
  }
  auto [counted, totals] = world.wait_for([&](const v1::Totals& t) {
    return t.scans_by_status().contains("unknown_badge") &&
           t.scans_by_status().at("unknown_badge") == kTokens;
  });
  ASSERT_TRUE(counted);
  EXPECT_EQ(totals.desks_size(), 3);
  EXPECT_EQ(world.metric("rollcall_limit_rejections_total{limit=\"desks\"}"), kTokens - 3);
  std::string out;
  EXPECT_EQ(world.verify(&out), 0) << out;
  // A desk it tracks goes on counting; forgetting one makes room for the next.
  ASSERT_EQ(
      world.admin({"desk", "forget", "--event", kEvent, "--desk", totals.desks().begin()->first},
                  &out),
      0)
      << out;
  DeskClient late;
  late.set_token(world.desk_token("late-desk"));
  late.connect(world.host(), world.port(), kEvent);
  late.scan(scan("bounded-late", "NOBODY-late", "x"));
  auto [room, now] =
      world.wait_for([](const v1::Totals& t) { return t.desks().contains("late-desk"); });
  EXPECT_TRUE(room);
  EXPECT_EQ(now.desks_size(), 3);
  EXPECT_EQ(world.verify(&out), 0) << out;
}

TEST(DeskIds, ARevokedAndForgottenDeskLeavesTheTotalsAndEveryDisplay) {
  AuthWorld world;
  // Issued as an organizer does, with rollcall-admin.
  const auto issue = [&](const std::string& desk) {
    std::string out;
    EXPECT_EQ(world.admin({"token", "issue", "--event", kEvent, "--role", "desk", "--name", desk,
                           "--desk", desk},
                          &out),
              0)
        << out;
    return out.substr(0, out.find('\n'));
  };
  const auto lost = issue("lost-tablet");
  const auto kept = issue("hall-1");
  DeskClient lost_desk, kept_desk;
  lost_desk.set_token(lost);
  kept_desk.set_token(kept);
  lost_desk.connect(world.host(), world.port(), kEvent);
  kept_desk.connect(world.host(), world.port(), kEvent);
  for (int i = 0; i < 3; ++i) {
    lost_desk.scan(scan("lost-" + std::to_string(i), "A" + std::to_string(i + 1), "ignored"));
    kept_desk.scan(scan("kept-" + std::to_string(i), "NOBODY-" + std::to_string(i), "ignored"));
  }
  DisplayClient wall;
  wall.set_token(world.token(v1::display));
  wall.connect(world.host(), world.port(), kEvent);
  ASSERT_TRUE(wall.wait_until([](const v1::Totals& t) {
    return t.desks().contains("lost-tablet") && t.desks().at("lost-tablet").scans() == 3 &&
           t.desks().contains("hall-1");
  }));
  const auto onsite = wall.state().onsite();
  EXPECT_EQ(onsite, 3);

  std::string out;
  const auto id = services::auth::token_id(services::auth::token_hash(lost));
  ASSERT_EQ(world.admin({"token", "revoke", "--event", kEvent, "--id", id, "--forget-desk"}, &out),
            0)
      << out;
  // Every display drops it (a snapshot: an update cannot remove), the figures stay.
  ASSERT_TRUE(
      wall.wait_until([](const v1::Totals& t) { return !t.desks().contains("lost-tablet"); }, 10s))
      << wall.state().DebugString();
  EXPECT_TRUE(wall.state().desks().contains("hall-1"));
  EXPECT_EQ(wall.state().onsite(), onsite);
  const auto totals = world.totals();
  EXPECT_FALSE(totals.desks().contains("lost-tablet"));
  EXPECT_EQ(totals.onsite(), onsite);
  EXPECT_EQ(world.redis()
                .command({"HKEYS", "{" + std::string(kEvent) + "}:counters"})
                .find("lost-tablet"),
            std::string::npos);
  // The stolen tablet is cut off (within the token cache's few seconds) and never comes back.
  int refused_after = -1;
  for (int i = 0; i < 100 && refused_after < 0; ++i) {
    try {
      lost_desk.scan(scan("after-" + std::to_string(i), "A4", "ignored"));
      std::this_thread::sleep_for(200ms);
    } catch (const std::exception&) {
      refused_after = i;
    }
  }
  ASSERT_GE(refused_after, 0) << "the revoked desk kept scanning";
  ASSERT_TRUE(lost_desk.close_info());
  EXPECT_EQ(lost_desk.close_info()->code, 4401);
  EXPECT_FALSE(world.totals().desks().contains("lost-tablet"));
  EXPECT_EQ(world.verify(&out), 0) << out;
}

}  // namespace
}  // namespace rollcall::tests::attack
