// rollcall_venue_fold run for real: member events' scans, joins, leaves, lease expiries and
// resets applied by the event Functions on a private redis-server, their logs turned into fold
// items by services/venue exactly as the gateway does, folded, and the venue's counters read back.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <map>
#include <random>
#include <set>

#include "services/store/function_library.h"
#include "services/store/keys.h"
#include "services/venue/fold_items.h"
#include "tests/support/redis_server.h"

namespace rollcall::services::store {
namespace {

using tests::support::RedisServer;
using venue::BadgeFacts;
using venue::FoldReply;
using venue::LogRecord;

constexpr const char* kVenue = "geneva";
constexpr const char* kDay1 = "2025-07-07";
constexpr const char* kDay2 = "2025-07-08";
constexpr const char* kDay3 = "2025-07-09";

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

class VenueFoldTest : public ::testing::Test {
 protected:
  void SetUp() override {
    redis_.command({"FUNCTION", "LOAD", "REPLACE", std::string(function_library())});
    context_ = redisConnect("127.0.0.1", redis_.port());
    ASSERT_TRUE(context_ && !context_->err);
  }
  void TearDown() override {
    if (context_) redisFree(context_);
  }

  ReplyPtr call(const std::vector<std::string>& args) {
    auto* reply = tests::support::run_argv(context_, args);
    EXPECT_NE(reply, nullptr);
    return ReplyPtr(reply);
  }

  void make_venue(const std::vector<std::string>& events) {
    std::string list = ",";
    for (const auto& event : events) {
      list += event + ",";
      redis_.command({"HSET", event_key(event), "days", "", "zones", ""});
    }
    redis_.command({"HSET", venue_key(kVenue), "events", list});
  }

  void add_badge(const std::string& event, const std::string& id, const std::string& country,
                 const std::string& category, const std::string& person = "") {
    std::vector<std::string> command{
        "HSET", badge_key(event, id), "country", country, "category", category, "revoked", "0"};
    if (!person.empty()) command.insert(command.end(), {"person", person});
    redis_.command(command);
  }

  void link(const std::string& person, const std::string& country) {
    redis_.command({"HSET", venue_persons_key(kVenue), person, country});
  }

  std::string scan(const std::string& event, const std::string& scan_id, const std::string& badge,
                   const std::string& direction, const std::string& day,
                   const std::string& zone = "hall") {
    const auto reply =
        redis_.command({"FCALL", "rollcall_scan", "1", tag(event), scan_id, badge, "desk1", zone,
                        direction, "1000", std::to_string(++clock_), day, day + "T09:00", "0"});
    return reply.substr(0, reply.find('\n'));
  }

  std::string presence(const std::string& event, const std::string& holder,
                       const std::string& presence_id, const std::string& kind,
                       const std::string& participant, const std::string& badge,
                       const std::string& country, const std::string& category,
                       const std::string& day) {
    const auto reply = redis_.command({"FCALL",
                                       "rollcall_presence",
                                       "1",
                                       tag(event),
                                       holder,
                                       "99999999999999",
                                       std::to_string(++clock_),
                                       day,
                                       day + "T10:00",
                                       "bridge",
                                       "0",
                                       presence_id,
                                       kind,
                                       participant,
                                       badge,
                                       country,
                                       category,
                                       "zoom",
                                       "s1",
                                       std::to_string(clock_)});
    return reply.substr(0, reply.find('\n'));
  }

  // The holder's lease lapses: its connections are taken apart (logged as leaves with a count).
  void expire(const std::string& event, const std::string& holder, const std::string& day) {
    redis_.command({"FCALL", "rollcall_renew_leases", "1", tag(event), "1", holder});
    redis_.command({"FCALL", "rollcall_expire_leases", "1", tag(event), "2", day});
  }

  void reset_inside(const std::string& event, const std::string& day) {
    redis_.command({"FCALL", "rollcall_reset_inside", "1", tag(event), day});
  }

  std::string cursor(const std::string& event) {
    const auto stored = redis_.command({"HGET", tag(venue_feed(kVenue)) + ":cursor", event});
    return stored.empty() ? std::string(venue::kNoCursor) : stored;
  }

  std::string last_log_id(const std::string& event) {
    const auto reply = call({"XREVRANGE", log_key(event), "+", "-", "COUNT", "1"});
    if (!reply || reply->elements == 0) return std::string(venue::kNoCursor);
    return std::string(reply->element[0]->element[0]->str, reply->element[0]->element[0]->len);
  }

  // What a gateway does for one event: the entries after `after` (the stored cursor unless
  // given), the badges they need, the fold. `count`: how many entries this call takes.
  FoldReply fold(const std::string& event, std::size_t count = venue::kFoldBatch,
                 std::optional<std::string> after = std::nullopt) {
    const auto from = after.value_or(cursor(event));
    const auto read = log_range_read(event, "(" + from, "+", count);
    const auto log = call(read);
    std::vector<LogRecord> entries;
    for (std::size_t i = 0; log && i < log->elements; ++i) {
      const auto* item = log->element[i];
      LogRecord entry{.id = std::string(item->element[0]->str, item->element[0]->len)};
      const auto* fields = item->element[1];
      for (std::size_t f = 0; f + 1 < fields->elements; f += 2) {
        entry.fields.emplace_back(
            std::string(fields->element[f]->str, fields->element[f]->len),
            std::string(fields->element[f + 1]->str, fields->element[f + 1]->len));
      }
      entries.push_back(std::move(entry));
    }
    std::map<std::string, BadgeFacts> badges;
    for (const auto& badge : venue::badges_needed(entries)) {
      const auto facts = call({"HMGET", badge_key(event, badge), "country", "category", "person"});
      BadgeFacts known;
      auto text = [&](std::size_t i) {
        const auto* element = facts->element[i];
        return element->type == REDIS_REPLY_STRING ? std::string(element->str, element->len)
                                                   : std::string();
      };
      known.country = text(0);
      known.category = text(1);
      known.person = text(2);
      badges[badge] = known;
    }
    std::vector<venue::FoldItem> items;
    for (const auto& entry : entries) items.push_back(venue::fold_item(entry, badges));
    const auto reply = call(venue_fold_call(kVenue, event, from, items));
    EXPECT_EQ(reply->type, REDIS_REPLY_ARRAY) << (reply->str ? reply->str : "");
    redis::Reply answer{.type = redis::Reply::Type::array};
    for (std::size_t i = 0; i < reply->elements; ++i) {
      answer.elements.push_back({.type = redis::Reply::Type::string,
                                 .str = tests::support::reply_text(reply->element[i])});
    }
    const auto parsed = read_venue_fold_reply(answer);
    EXPECT_TRUE(parsed) << parsed.error.cause;
    return parsed.value.value_or(FoldReply{});
  }

  // Folds until the cursor is the event's last log id.
  void catch_up(const std::string& event, std::size_t count = venue::kFoldBatch) {
    for (int i = 0; i < 10000 && cursor(event) != last_log_id(event); ++i) {
      ASSERT_EQ(fold(event, count).status, "ok");
    }
    ASSERT_EQ(cursor(event), last_log_id(event));
  }

  // Counters as a map, zeros dropped (a counter that went up and down to 0 says nothing).
  std::map<std::string, std::string> counters(const std::string& feed) {
    const auto reply = call({"HGETALL", counters_key(feed)});
    std::map<std::string, std::string> all;
    for (std::size_t i = 0; i + 1 < reply->elements; i += 2) {
      std::string value(reply->element[i + 1]->str, reply->element[i + 1]->len);
      if (value != "0") all[std::string(reply->element[i]->str, reply->element[i]->len)] = value;
    }
    return all;
  }

  std::string venue_counter(const std::string& name) {
    const auto value = redis_.command({"HGET", counters_key(venue_feed(kVenue)), name});
    return value.empty() ? "0" : value;
  }

  std::string venue_seq() { return redis_.command({"GET", tag(venue_feed(kVenue)) + ":seq"}); }

  RedisServer redis_;
  redisContext* context_ = nullptr;
  std::int64_t clock_ = 1'751'871'600'000;
};

// The counters a venue carries over from an event (docs/architecture.md, the venue fold).
bool carried(const std::string& name) {
  static const std::set<std::string> exact = {"onsite", "inside",      "remote",        "online",
                                              "hybrid", "peak_online", "peak_online_at"};
  if (exact.contains(name)) return true;
  for (const auto* prefix : {"onsite:country:", "onsite:category:", "remote:country:",
                             "remote:category:", "online:country:"}) {
    if (name.starts_with(prefix)) return true;
  }
  if (!name.starts_with("day:")) return false;
  const auto rest = name.substr(name.find(':', 4) + 1);
  return rest == "onsite" || rest == "remote" || rest == "peak_online" ||
         rest.starts_with("country:") || rest.starts_with("category:") ||
         rest.starts_with("remote_country:") || rest.starts_with("remote_category:");
}

// A venue of one event is that event: for many generated histories (scans in any order, late
// scans for earlier days, replays, refusals, replaced badges, zone moves, resets, joins, leaves,
// lease expiries), folded in chunks of many sizes, every carried counter equals the event's.
TEST_F(VenueFoldTest, AVenueOfOneEventHasTheEventsFigures) {
  make_venue({"ev"});
  const std::vector<std::string> countries = {"CH", "FR", "KE", ""};
  const std::vector<std::string> categories = {"minister", "youth", "un"};
  for (int b = 0; b < 30; ++b) {
    // Badges 20 to 29 come in pairs of one person (a replaced badge keeps its person).
    const auto person = b >= 20 ? "P" + std::to_string(b / 2) : std::string();
    const int owner = b >= 20 ? b / 2 : b;
    add_badge("ev", "B" + std::to_string(b), countries[owner % 4], categories[owner % 3], person);
  }
  std::mt19937 random(20250707);
  const std::vector<std::string> days = {kDay1, kDay2, kDay3};
  std::vector<std::string> sent;
  int day = 0, scans = 0, joins = 0;
  for (int round = 0; round < 6; ++round) {
    for (int step = 0; step < 120; ++step) {
      const auto pick = random() % 100;
      if (pick < 55) {
        // Mostly today's day, sometimes a late scan of an earlier one.
        const int d = random() % 8 == 0 ? static_cast<int>(random() % (day + 1)) : day;
        const auto badge =
            random() % 25 == 0 ? std::string("X9") : "B" + std::to_string(random() % 30);
        const auto id = "s" + std::to_string(++scans);
        scan("ev", id, badge, random() % 4 == 0 ? "out" : "in", days[d],
             random() % 5 == 0 ? "room" : "hall");
        sent.push_back(id);
      } else if (pick < 60 && !sent.empty()) {
        scan("ev", sent[random() % sent.size()], "B1", "in", days[day]);  // a replay
      } else if (pick < 62) {
        day = std::min(day + 1, 2);
        reset_inside("ev", days[day]);
      } else if (pick < 85) {
        const auto p = random() % 15;
        // Participants 0 to 9 wear badges 0 to 9 (one each); the others are online only.
        presence("ev", "bridge:h" + std::to_string(random() % 2), "j" + std::to_string(++joins),
                 "join", "p" + std::to_string(p), p < 10 ? "B" + std::to_string(p) : "",
                 countries[p % 4], categories[p % 3], days[day]);
      } else if (pick < 98) {
        const auto p = random() % 15;
        presence("ev", "bridge:h" + std::to_string(random() % 2), "l" + std::to_string(++joins),
                 "leave", "p" + std::to_string(p), "", "", "", days[day]);
      } else {
        expire("ev", "bridge:h" + std::to_string(random() % 2), days[day]);
      }
    }
    catch_up("ev", 1 + random() % 60);
    auto event = counters("ev");
    std::erase_if(event, [](const auto& pair) { return !carried(pair.first); });
    ASSERT_EQ(counters(venue_feed(kVenue)), event) << "round " << round;
  }
  std::cout << "[ figures ] " << scans << " scans, " << joins << " presence items, onsite "
            << venue_counter("onsite") << ", remote " << venue_counter("remote") << "\n";
}

// Folding the same range twice (two gateways, or a retry after a lost reply) counts it once: the
// second call folds nothing, publishes nothing and leaves every counter as it was.
TEST_F(VenueFoldTest, TheSameRangeFoldedTwiceCountsOnce) {
  make_venue({"ev"});
  std::mt19937 random(7);
  for (int b = 0; b < 12; ++b) add_badge("ev", "B" + std::to_string(b), "CH", "youth");
  for (int trial = 0; trial < 20; ++trial) {
    const auto from = cursor("ev");
    const int n = 1 + random() % 15;
    for (int i = 0; i < n; ++i) {
      scan("ev", "t" + std::to_string(trial) + "-" + std::to_string(i),
           "B" + std::to_string(random() % 12), random() % 3 ? "in" : "out", kDay1);
    }
    const auto first = fold("ev", venue::kFoldBatch, from);
    ASSERT_EQ(first.status, "ok");
    EXPECT_EQ(first.folded, n);
    const auto before = counters(venue_feed(kVenue));
    const auto seq = venue_seq();
    const auto again = fold("ev", venue::kFoldBatch, from);  // the other gateway, same read
    EXPECT_EQ(again.status, "ok");
    EXPECT_EQ(again.folded, 0);
    EXPECT_EQ(again.seq, 0);
    EXPECT_EQ(again.cursor, first.cursor);
    EXPECT_EQ(counters(venue_feed(kVenue)), before);
    EXPECT_EQ(venue_seq(), seq);
  }
}

// A retry that overlaps: a fold of the first k entries, then one from the old cursor over all of
// them applies only the rest.
TEST_F(VenueFoldTest, AnOverlappingRetryAppliesOnlyWhatIsNew) {
  make_venue({"ev"});
  for (int b = 0; b < 8; ++b) add_badge("ev", "B" + std::to_string(b), "FR", "un");
  for (int k = 1; k <= 7; ++k) {
    const auto from = cursor("ev");
    for (int b = 0; b < 8; ++b) {
      scan("ev", "k" + std::to_string(k) + "-" + std::to_string(b), "B" + std::to_string(b),
           k % 2 ? "in" : "out", kDay1);
    }
    ASSERT_EQ(fold("ev", k, from).folded, k);
    const auto rest = fold("ev", venue::kFoldBatch, from);
    EXPECT_EQ(rest.folded, 8 - k);
    EXPECT_EQ(cursor("ev"), last_log_id("ev"));
    EXPECT_EQ(venue_counter("inside"), k % 2 ? "8" : "0");
    EXPECT_EQ(venue_counter("onsite"), "8");
  }
}

// Linked people count once across events: on site at both, inside at both, each category they
// held once; their country is the venue's. Unlinked people of the two events stay apart even when
// their badge ids are equal.
TEST_F(VenueFoldTest, LinkedPeopleCountOnceAcrossEvents) {
  make_venue({"wsis", "aifg"});
  link("p-ana", "CH");
  add_badge("wsis", "W1", "FR", "minister", "p-ana");  // the venue's country wins
  add_badge("aifg", "A7", "CH", "speaker", "p-ana");
  add_badge("wsis", "X1", "KE", "youth");
  add_badge("aifg", "X1", "KE", "youth");  // same badge id, another person
  EXPECT_EQ(scan("wsis", "w1", "W1", "in", kDay1), "accepted");
  EXPECT_EQ(scan("aifg", "a1", "A7", "in", kDay1), "accepted");
  EXPECT_EQ(scan("wsis", "w2", "X1", "in", kDay1), "accepted");
  EXPECT_EQ(scan("aifg", "a2", "X1", "in", kDay1), "accepted");
  catch_up("wsis");
  catch_up("aifg");
  EXPECT_EQ(venue_counter("onsite"), "3");
  EXPECT_EQ(venue_counter("inside"), "3");
  EXPECT_EQ(venue_counter("onsite:country:CH"), "1");
  EXPECT_EQ(venue_counter("onsite:country:FR"), "0");
  EXPECT_EQ(venue_counter("onsite:country:KE"), "2");
  EXPECT_EQ(venue_counter("onsite:category:minister"), "1");
  EXPECT_EQ(venue_counter("onsite:category:speaker"), "1");
  EXPECT_EQ(venue_counter(std::string("day:") + kDay1 + ":onsite"), "3");
  EXPECT_EQ(venue_counter(std::string("day:") + kDay1 + ":country:CH"), "1");
  // Leaves one event: still inside the venue; leaves the other: out.
  EXPECT_EQ(scan("wsis", "w3", "W1", "out", kDay1), "exit");
  catch_up("wsis");
  EXPECT_EQ(venue_counter("inside"), "3");
  EXPECT_EQ(scan("aifg", "a3", "A7", "out", kDay1), "exit");
  catch_up("aifg");
  EXPECT_EQ(venue_counter("inside"), "2");
  // Next day at the other event: a new venue day, the same person.
  EXPECT_EQ(scan("aifg", "a4", "A7", "in", kDay2), "accepted");
  catch_up("aifg");
  EXPECT_EQ(venue_counter("onsite"), "3");
  EXPECT_EQ(venue_counter(std::string("day:") + kDay2 + ":onsite"), "1");
  EXPECT_EQ(venue_counter(std::string("day:") + kDay2 + ":category:speaker"), "1");
  EXPECT_EQ(venue_counter(std::string("day:") + kDay2 + ":category:minister"), "0");
}

// An event's end-of-day reset counts out, at the venue, those still inside at that event from an
// earlier day, and only them: inside at the other event, or today, they stay in.
TEST_F(VenueFoldTest, AResetCountsOutOnlyThatEventsEarlierDays) {
  make_venue({"wsis", "aifg"});
  link("p-1", "CH");
  add_badge("wsis", "W1", "CH", "minister", "p-1");
  add_badge("aifg", "A1", "CH", "minister", "p-1");
  add_badge("wsis", "W2", "FR", "youth");
  add_badge("wsis", "W3", "KE", "un");
  scan("wsis", "1", "W1", "in", kDay1);
  scan("aifg", "2", "A1", "in", kDay1);
  scan("wsis", "3", "W2", "in", kDay1);
  catch_up("wsis");
  catch_up("aifg");
  EXPECT_EQ(venue_counter("inside"), "2");  // p-1 is inside at both: once
  scan("wsis", "4", "W3", "in", kDay2);     // today's: stays
  reset_inside("wsis", kDay2);
  catch_up("wsis");
  // W2 out; p-1 still inside at aifg; W3 entered on the reset's day.
  EXPECT_EQ(venue_counter("inside"), "2");
  EXPECT_EQ(redis_.command({"HGET", counters_key("wsis"), "inside"}), "1");
  reset_inside("aifg", kDay2);
  catch_up("aifg");
  EXPECT_EQ(venue_counter("inside"), "1");  // p-1 out at both; W3 in
  EXPECT_EQ(venue_counter("onsite"), "3");
}

// One person online at two events (a linked person, and the same person's badge in each) is one
// online person; online until their last connection anywhere closes, a lease expiry included.
TEST_F(VenueFoldTest, JoinsAndLeavesAcrossEventsAreOnePerson) {
  make_venue({"wsis", "aifg"});
  link("p-1", "KE");
  add_badge("wsis", "W1", "KE", "minister", "p-1");
  add_badge("aifg", "A1", "KE", "speaker", "p-1");
  EXPECT_EQ(presence("wsis", "bridge:a", "j1", "join", "zw1", "W1", "", "", kDay1), "joined");
  EXPECT_EQ(presence("aifg", "bridge:b", "j2", "join", "za1", "A1", "", "", kDay1), "joined");
  EXPECT_EQ(presence("aifg", "bridge:b", "j3", "join", "za2", "", "FR", "youth", kDay1), "joined");
  catch_up("wsis");
  catch_up("aifg");
  EXPECT_EQ(venue_counter("online"), "2");
  EXPECT_EQ(venue_counter("remote"), "2");
  EXPECT_EQ(venue_counter("remote:country:KE"), "1");
  EXPECT_EQ(venue_counter("remote:category:minister"), "1");
  EXPECT_EQ(venue_counter("remote:category:speaker"), "1");
  EXPECT_EQ(venue_counter("online:country:KE"), "1");
  EXPECT_EQ(venue_counter("peak_online"), "2");
  EXPECT_EQ(venue_counter(std::string("day:") + kDay1 + ":remote"), "2");
  EXPECT_EQ(presence("wsis", "bridge:a", "l1", "leave", "zw1", "", "", "", kDay1), "left");
  catch_up("wsis");
  EXPECT_EQ(venue_counter("online"), "2");  // still at aifg
  EXPECT_EQ(presence("wsis", "bridge:a", "j4", "join", "zw1", "W1", "", "", kDay2), "rejoined");
  expire("aifg", "bridge:b", kDay2);  // aifg's bridge vanished: both its participants leave
  catch_up("aifg");
  catch_up("wsis");
  EXPECT_EQ(venue_counter("online"), "1");
  EXPECT_EQ(venue_counter("online:country:KE"), "1");
  EXPECT_EQ(venue_counter("online:country:FR"), "0");
  EXPECT_EQ(venue_counter(std::string("day:") + kDay2 + ":remote"), "1");
  EXPECT_EQ(presence("wsis", "bridge:a", "l2", "leave", "zw1", "", "", "", kDay2), "left");
  catch_up("wsis");
  EXPECT_EQ(venue_counter("online"), "0");
  EXPECT_EQ(venue_counter("peak_online"), "2");
  EXPECT_EQ(venue_counter("remote"), "2");
}

// On site at one event, online at the other: one hybrid person, one participant.
TEST_F(VenueFoldTest, HybridAcrossEvents) {
  make_venue({"wsis", "aifg"});
  link("p-1", "CH");
  link("p-2", "FR");
  add_badge("wsis", "W1", "CH", "minister", "p-1");
  add_badge("aifg", "A1", "CH", "minister", "p-1");
  add_badge("wsis", "W2", "FR", "youth", "p-2");
  add_badge("aifg", "A2", "FR", "youth", "p-2");
  add_badge("wsis", "W3", "KE", "un");  // unlinked: hybrid only within its event
  add_badge("aifg", "A3", "KE", "un");
  scan("wsis", "1", "W1", "in", kDay1);
  presence("aifg", "bridge:x", "j1", "join", "z1", "A1", "", "", kDay1);
  presence("wsis", "bridge:x", "j2", "join", "z2", "W2", "", "", kDay1);  // online first
  scan("aifg", "2", "A2", "in", kDay1);
  scan("wsis", "3", "W3", "in", kDay1);
  presence("aifg", "bridge:x", "j3", "join", "z3", "A3", "", "", kDay1);
  catch_up("aifg");
  catch_up("wsis");
  EXPECT_EQ(venue_counter("hybrid"), "2");
  EXPECT_EQ(venue_counter("onsite"), "3");
  EXPECT_EQ(venue_counter("remote"), "3");
  EXPECT_EQ(redis_.command({"HGET", counters_key("wsis"), "hybrid"}), "");
  EXPECT_EQ(redis_.command({"HGET", counters_key("aifg"), "hybrid"}), "");
}

// What the Function refuses: an event outside the venue, a read past the cursor, bad items.
TEST_F(VenueFoldTest, RefusesWhatItCannotFoldAndChangesNothing) {
  make_venue({"ev"});
  add_badge("ev", "B1", "CH", "un");
  add_badge("other", "B1", "CH", "un");
  scan("ev", "1", "B1", "in", kDay1);
  scan("other", "1", "B1", "in", kDay1);
  EXPECT_EQ(fold("other").status, "not_member");
  const auto last = last_log_id("ev");
  EXPECT_EQ(fold("ev", 10, last).status, "gap");  // entries before `last` were never folded
  const auto tagged = tag(venue_feed(kVenue));
  for (const auto& bad : std::vector<std::vector<std::string>>{
           {"FCALL", "rollcall_venue_fold", "1", tagged, "ev", "0-0", "1-1", "scan"},
           {"FCALL", "rollcall_venue_fold", "1", tagged, "ev", "zero"},
           {"FCALL", "rollcall_venue_fold", "1", tagged, "ev", "0-0", "x", "scan", "B1", "", "CH",
            "un", kDay1, "accepted", "in", "", "1"}}) {
    const auto reply = call(bad);
    ASSERT_EQ(reply->type, REDIS_REPLY_ARRAY);
    EXPECT_EQ(tests::support::reply_text(reply->element[0]), "malformed");
  }
  EXPECT_EQ(venue_seq(), "");
  EXPECT_EQ(cursor("ev"), std::string(venue::kNoCursor));
  EXPECT_EQ(fold("ev").status, "ok");
  EXPECT_EQ(venue_counter("onsite"), "1");
}

}  // namespace
}  // namespace rollcall::services::store
