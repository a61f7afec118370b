// Every parser of services/store against replies of every wrong shape, generated: each must
// answer a clear, bounded error (or a value that keeps its invariants), never crash or invent.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <random>

#include "services/store/badge_registry_call.h"
#include "services/store/durability.h"
#include "services/store/event_log_reader.h"
#include "services/store/event_reads.h"
#include "services/store/lease_call.h"
#include "services/store/presence_call.h"
#include "services/store/registry_reader.h"
#include "services/store/reply_read.h"
#include "services/store/scan_call.h"
#include "services/store/totals_call.h"
#include "services/store/venue_fold_call.h"
#include "tests/services/store/reply_shapes.h"

namespace rollcall::services::store {
namespace {

using redis::Reply;
using Type = Reply::Type;

using shapes::array;
using shapes::error;
using shapes::integer;
using shapes::nil;
using shapes::random_bytes;
using shapes::text;
using shapes::texts;

// Any reply, with arrays long enough to reach every parser's expected sizes.
Reply random_reply(std::mt19937_64& random) {
  return shapes::random_reply(random, 0, 24);
}

using shapes::expect_clear;
using shapes::expect_refused;

// Runs `parse` on the fixed wrong shapes every parser must refuse.
template <class Parse>
void refuses_basic_wrong_shapes(Parse parse) {
  for (const auto& reply : shapes::basic_wrong_shapes()) expect_refused(parse(reply), reply);
}

TEST(ReplyRead, EveryParserRefusesNilErrorAndScalars) {
  refuses_basic_wrong_shapes([](const Reply& r) { return read_scan_reply(r); });
  refuses_basic_wrong_shapes([](const Reply& r) { return read_totals_reply(r); });
  refuses_basic_wrong_shapes([](const Reply& r) { return read_presence_reply(r, 1); });
  refuses_basic_wrong_shapes([](const Reply& r) { return read_registry_answer(r); });
  refuses_basic_wrong_shapes([](const Reply& r) { return read_venue_fold_reply(r); });
  refuses_basic_wrong_shapes([](const Reply& r) { return read_badge_facts(r); });
  refuses_basic_wrong_shapes([](const Reply& r) { return read_log_page(r, 10); });
  refuses_basic_wrong_shapes([](const Reply& r) { return read_registry(r); });
  refuses_basic_wrong_shapes([](const Reply& r) { return read_badge_record("B", r); });
  refuses_basic_wrong_shapes([](const Reply& r) { return read_registered_count(r); });
  refuses_basic_wrong_shapes([](const Reply& r) { return read_badge_scan("ev", r); });
  refuses_basic_wrong_shapes([](const Reply& r) { return read_members(r); });
  refuses_basic_wrong_shapes([](const Reply& r) { return read_hash(r); });
  refuses_basic_wrong_shapes([](const Reply& r) { return read_inside(r, 1); });
  refuses_basic_wrong_shapes([](const Reply& r) { return read_durability_config(r); });
  // Scalars: the wrong scalar or an array.
  for (const auto& reply : {error("ERR x"), text("1"), array({integer(1)})}) {
    expect_refused(read_moved_count(reply), reply);
    expect_refused(read_exists(reply), reply);
  }
  for (const auto& reply : {error("ERR x"), integer(1), array({text("a")})}) {
    expect_refused(read_field(reply), reply);
    expect_refused(read_fold_cursor(reply), reply);
  }
  expect_refused(read_moved_count(integer(-1)), integer(-1));
  expect_refused(read_exists(integer(2)), integer(2));
}

TEST(ReplyRead, ErrorRepliesQuoteRedisBounded) {
  const auto read = read_members(error("ERR " + std::string(100000, 'x') + "\n\x01\xc3"));
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error.kind, "error_reply");
  EXPECT_LT(read.error.cause.size(), 200u);
  EXPECT_EQ(bounded_text("a\nb\xff"), "a?b?");
}

TEST(ReplyRead, ScalarsAndFieldsReadRight) {
  EXPECT_EQ(*read_moved_count(integer(7)), 7);
  EXPECT_EQ(*read_exists(integer(1)), true);
  EXPECT_EQ(*read_exists(integer(0)), false);
  EXPECT_FALSE(read_field(nil())->has_value());
  EXPECT_EQ(*read_field(text("{}")), std::optional<std::string>("{}"));
  EXPECT_EQ(*read_fold_cursor(nil()), std::string(kNoFoldCursor));
  EXPECT_EQ(*read_fold_cursor(text("5-1")), "5-1");
  EXPECT_EQ(*read_members(array({text("a"), text("b")})), (std::vector<std::string>{"a", "b"}));
  // An odd hash is refused, never read with a value missing.
  expect_refused(read_hash(texts({"a", "1", "b"})), texts({"a", "1", "b"}));
  // A nested array where text belongs is refused with the element named.
  const auto nested = array({text("a"), array({})});
  const auto read = read_members(nested);
  ASSERT_FALSE(read);
  EXPECT_NE(read.error.cause.find("element 1"), std::string::npos) << read.error.cause;
}

// Issue 17: the scan reply is read in place. Generated replies of every element type: the fields
// are the texts read_texts copies out (the reference), string fields are views of the reply's
// own bytes (no copy), and a copy of the fields still reads integers right.
TEST(ReplyRead, ScanFieldsAreReadInPlaceAndAgreeWithTheCopyingReader) {
  std::mt19937_64 random(1717);
  int read_ok = 0;
  for (int i = 0; i < 5000; ++i) {
    std::vector<Reply> elements(random() % 70);
    for (auto& element : elements) {
      switch (random() % 12) {
        case 0:
          element = integer(static_cast<long long>(random()) * (random() % 2 ? 1 : -1));
          break;
        case 1:
          element = Reply{.type = Type::status, .str = random_bytes(random)};
          break;
        case 2:
          if (random() % 8 == 0) {
            element = random() % 2 ? nil() : array({text("x")});  // never text
            break;
          }
          [[fallthrough]];
        default:
          element = text(random_bytes(random));
      }
    }
    const auto reply = array(std::move(elements));
    const auto fields = read_scan_reply(reply);
    const auto reference = read_texts(reply, "the scan function's array", 0);
    const auto n = reply.elements.size();
    ASSERT_EQ(static_cast<bool>(fields), reference && n >= kScanMinFields && n <= kScanMaxFields)
        << i;
    if (!fields) {
      expect_clear(fields.error, reply);
      continue;
    }
    ++read_ok;
    const ScanFields copy = *fields;
    ASSERT_EQ(fields->size(), n);
    ASSERT_EQ(copy.size(), n);
    for (std::size_t f = 0; f < n; ++f) {
      EXPECT_EQ((*fields)[f], (*reference)[f]) << i << " field " << f;
      EXPECT_EQ(copy[f], (*reference)[f]) << i << " field " << f;
      if (reply.elements[f].type != Type::integer) {
        EXPECT_EQ((*fields)[f].data(), reply.elements[f].str.data()) << "copied, not viewed";
      }
    }
  }
  EXPECT_GT(read_ok, 100);
}

TEST(ReplyRead, AScanReplyOfAnUnknownSizeNamesItsStatus) {
  auto reply = texts({"teleported", "0"});
  auto read = read_scan_reply(reply);
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error.kind, "reply_shape");
  EXPECT_NE(read.error.cause.find("reply of 2 fields"), std::string::npos) << read.error.cause;
  EXPECT_NE(read.error.cause.find("(status \"teleported\")"), std::string::npos);
  reply = array({integer(-4), text("0")});
  read = read_scan_reply(reply);
  ASSERT_FALSE(read);
  EXPECT_NE(read.error.cause.find("(status \"-4\")"), std::string::npos) << read.error.cause;
}

TEST(ReplyRead, ShortAndLongArraysAreRefused) {
  for (std::size_t n = 0; n < 70; ++n) {
    const auto reply = texts(std::vector<std::string>(n, "1"));
    EXPECT_EQ(static_cast<bool>(read_scan_reply(reply)), n >= kScanMinFields && n <= kScanMaxFields)
        << n;
    EXPECT_EQ(static_cast<bool>(read_registry_answer(reply)), n == kAnswerFieldCount) << n;
    EXPECT_EQ(static_cast<bool>(read_presence_reply(reply, 3)), n == 7) << n;
    EXPECT_EQ(static_cast<bool>(read_badge_facts(reply)), n == 3) << n;
    EXPECT_EQ(static_cast<bool>(read_inside(array(std::vector<Reply>(n, integer(1))), 4)), n == 4);
    EXPECT_EQ(static_cast<bool>(read_badge_record("B", reply)), n == kBadgeRecordFieldCount);
    EXPECT_EQ(static_cast<bool>(read_registry(reply)), n % (kBadgeRecordFieldCount + 1) == 0);
  }
  // A page larger than was asked for is refused, not held.
  std::vector<Reply> page;
  for (int i = 0; i < 11; ++i) {
    page.push_back(array({text(std::to_string(i + 1) + "-0"), texts({"type", "scan"})}));
  }
  EXPECT_TRUE(read_log_page(array(page), 11));
  expect_refused(read_log_page(array(page), 10), array(page));
}

TEST(ReplyRead, TotalsNeedAWholeSeqAndWholeValues) {
  const auto good = array({integer(4), texts({"in", "3", "desk:d1:scans", "-2"})});
  const auto totals = read_totals_reply(good);
  ASSERT_TRUE(totals) << totals.error.cause;
  EXPECT_EQ(totals->seq, 4u);
  ASSERT_EQ(totals->counters.size(), 2u);
  EXPECT_EQ(totals->counters[1], (std::pair<std::string, std::int64_t>{"desk:d1:scans", -2}));
  for (const auto& bad :
       {array({integer(-1), texts({})}), array({text("4"), texts({})}),
        array({integer(4), texts({"in"})}), array({integer(4), texts({"in", "3x"})}),
        array({integer(4), texts({"in", ""})}), array({integer(4), integer(1)}),
        array({integer(4), texts({}), texts({})}),
        array({integer(4), texts({"in", "99999999999999999999"})})}) {
    expect_refused(read_totals_reply(bad), bad);
  }
}

TEST(ReplyRead, VenueFoldRepliesOfAnotherShapeAreRefused) {
  const auto ok =
      read_venue_fold_reply(array({text("ok"), integer(12), text("17-0"), integer(40)}));
  ASSERT_TRUE(ok) << ok.error.cause;
  EXPECT_EQ(ok->folded, 12);
  EXPECT_EQ(ok->cursor, "17-0");
  EXPECT_EQ(ok->seq, 40);
  for (const auto& bad : std::vector<std::vector<std::string>>{{},
                                                               {"ok", "1", "1-0"},
                                                               {"fine", "1", "1-0", "0"},
                                                               {"ok", "x", "1-0", "0"},
                                                               {"ok", "-1", "1-0", "0"},
                                                               {"ok", "1", "1-0", "2x"},
                                                               {"ok", "1", "1-0", "0", "0"}}) {
    expect_refused(read_venue_fold_reply(texts(bad)), texts(bad));
  }
}

TEST(ReplyRead, LogEntriesOfAnotherShapeRefuseTheirPage) {
  const auto entry = [](std::string id, std::vector<std::string> fields) {
    return array({text(std::move(id)), texts(fields)});
  };
  const auto good = array({entry("1-0", {"type", "scan", "badge", "B1"}), entry("2-5", {})});
  const auto page = read_log_page(good, 10);
  ASSERT_TRUE(page) << page.error.cause;
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].get("badge"), "B1");
  EXPECT_EQ((*page)[1].id, "2-5");
  for (const auto& bad :
       {array({entry("1-0", {"type"})}), array({entry("x-0", {})}), array({entry("1", {})}),
        array({entry("1-0", {}), text("2-0")}), array({array({text("1-0")})}),
        array({array({integer(1), texts({})})}), array({array({text("1-0"), integer(2)})}),
        array({array({text("1-0"), array({text("a"), array({})})})})}) {
    expect_refused(read_log_page(bad, 10), bad);
  }
}

// Thousands of random replies through every parser: no crash, and whatever is accepted keeps
// the parser's promise.
TEST(ReplyRead, RandomRepliesNeverCrashAnyParser) {
  std::mt19937_64 random(16);
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    const auto reply = random_reply(random);
    auto check = [&](const auto& read, auto&& invariant) {
      if (read) {
        ++accepted;
        invariant(*read);
      } else {
        expect_clear(read.error, reply);
      }
    };
    auto any = [](const auto&) {};
    check(read_scan_reply(reply), [](const auto& f) {
      EXPECT_GE(f.size(), kScanMinFields);
      EXPECT_LE(f.size(), kScanMaxFields);
    });
    check(read_totals_reply(reply), any);
    check(read_presence_reply(reply, 2), [](const auto& f) { EXPECT_EQ(f.size(), 5u); });
    check(read_registry_answer(reply),
          [](const auto& f) { EXPECT_EQ(f.size(), kAnswerFieldCount); });
    check(read_venue_fold_reply(reply), [](const auto& r) {
      EXPECT_GE(r.folded, 0);
      EXPECT_GE(r.seq, 0);
    });
    check(read_badge_facts(reply), any);
    check(read_log_page(reply, 16), [](const auto& page) {
      EXPECT_LE(page.size(), 16u);
      for (const auto& e : page) EXPECT_TRUE(stream_id_parts(e.id));
    });
    check(read_registry(reply), [](const auto& badges) {
      EXPECT_TRUE(std::is_sorted(badges.begin(), badges.end(), [](const auto& a, const auto& b) {
        return a.badge_id() < b.badge_id();
      }));
    });
    check(read_badge_record("B", reply), any);
    check(read_registered_count(reply), [](int n) { EXPECT_GE(n, 0); });
    check(read_badge_scan("ev", reply), any);
    check(read_members(reply), any);
    check(read_hash(reply), any);
    check(read_inside(reply, 3), [](const auto& v) { EXPECT_EQ(v.size(), 3u); });
    check(read_moved_count(reply), [](std::int64_t n) { EXPECT_GE(n, 0); });
    check(read_exists(reply), any);
    check(read_field(reply), any);
    check(read_durability_config(reply), any);
  }
  EXPECT_GT(accepted, 1000);  // the generator reaches the accepting shapes too
}

TEST(LogPagers, PageForwardAndBackwardAndStopOnError) {
  LogPager pager("ev", "+", 2);
  auto args = pager.next();
  ASSERT_TRUE(args);
  EXPECT_EQ(*args, (std::vector<std::string>{"XRANGE", "{ev}:log", "-", "+", "COUNT", "2"}));
  const auto entry = [](std::string id) { return array({text(std::move(id)), texts({})}); };
  ASSERT_TRUE(pager.take(array({entry("5-0"), entry("5-18446744073709551615")})));
  EXPECT_EQ(pager.next()->at(2), "6-0");
  ASSERT_TRUE(pager.take(array({entry("7-0")})));  // a short page: the end
  EXPECT_FALSE(pager.next());

  LogPager failing("ev", "9-0", 2);
  EXPECT_FALSE(failing.take(error("ERR no")));
  EXPECT_FALSE(failing.next());

  ReverseLogPager back("ev", 2);
  EXPECT_EQ(*back.next(),
            (std::vector<std::string>{"XREVRANGE", "{ev}:log", "+", "-", "COUNT", "2"}));
  ASSERT_TRUE(back.take(array({entry("9-0"), entry("8-0")})));
  EXPECT_EQ(back.next()->at(2), "7-18446744073709551615");
  ASSERT_TRUE(back.take(array({entry("7-3"), entry("7-2")})));
  EXPECT_EQ(back.next()->at(2), "7-1");
  ASSERT_TRUE(back.take(array({entry("0-1"), entry("0-0")})));
  EXPECT_FALSE(back.next());  // nothing before 0-0
}

TEST(Builders, NameTheFunctionAndTheEventSlot) {
  const auto scan = scan_call(
      {.event_id = "ev",
       .scan_id = "s1",
       .badge_id = "B1",
       .desk_id = "d1",
       .zone = "hall",
       .entering = false,
       .device_ms = 5,
       .server_ms = 6,
       .day = "2025-07-07",
       .minute = "2025-07-07T09:00",
       .late = true,
       .max_desks = 500,
       .offline_verdict = "refused",
       .manual = std::make_pair(std::string_view("lost_badge"), std::string_view("note"))});
  EXPECT_EQ(scan.args(),
            (std::vector<std::string>{"FCALL", "rollcall_scan", "1", "{ev}", "s1", "B1", "d1",
                                      "hall", "out", "5", "6", "2025-07-07", "2025-07-07T09:00",
                                      "1", "500", "0", "refused", "lost_badge", "note"}));
  EXPECT_EQ(totals_call("@geneva"),
            (std::vector<std::string>{"FCALL_RO", "rollcall_totals", "1", "{@geneva}"}));
  EXPECT_EQ(renew_leases_call("ev", 9, {"gw:a", "zoom"}),
            (std::vector<std::string>{"FCALL", "rollcall_renew_leases", "1", "{ev}", "9", "gw:a",
                                      "zoom"}));
  EXPECT_EQ(expire_leases_call("ev", 9, "d"),
            (std::vector<std::string>{"FCALL", "rollcall_expire_leases", "1", "{ev}", "9", "d"}));
  EXPECT_EQ(reset_inside_call("ev", "d"),
            (std::vector<std::string>{"FCALL", "rollcall_reset_inside", "1", "{ev}", "d"}));
  const auto presence = presence_call({.event_id = "ev",
                                       .holder = "gw:1",
                                       .lease_until_ms = 3,
                                       .server_ms = 2,
                                       .day = "d",
                                       .minute = "m",
                                       .via = "beacon",
                                       .resync = true},
                                      {{.presence_id = "p", .join = false, .time_ms = 8}});
  ASSERT_EQ(presence.size(), 11 + kPresenceItemArgs);
  EXPECT_EQ(presence[10], "1");
  EXPECT_EQ(presence[12], "leave");
  EXPECT_EQ(presence.back(), "8");
  EXPECT_EQ(replace_badge_call({.event_id = "ev",
                                .request_id = "r",
                                .old_id = "A",
                                .new_id = "R-1",
                                .reason = "lost",
                                .who = "t",
                                .server_ms = 1}),
            (std::vector<std::string>{"FCALL", "rollcall_replace_badge", "1", "{ev}", "r", "A",
                                      "R-1", "lost", "t", "1"}));
  EXPECT_EQ(register_badge_call({.event_id = "ev", .badge_id = "W-1"}).size(), 14u);
  const auto fold = venue_fold_call("geneva", "ev", "0-0", {VenueFoldItem{.id = "1-1"}});
  ASSERT_EQ(fold.size(), 6 + kVenueFoldItemArgs);
  EXPECT_EQ(fold[3], "{@geneva}");
  EXPECT_EQ(fold[6], "1-1");
  EXPECT_EQ(registry_read("ev").size(), 4 + kBadgeRecordFieldCount);
  EXPECT_EQ(registry_read("ev")[1], "rollcall_registry");
  EXPECT_EQ(registry_read("ev")[3], "{ev}");
  EXPECT_EQ(registered_count_read("ev"),
            (std::vector<std::string>{"FCALL_RO", "rollcall_registry", "1", "{ev}", "revoked"}));
}

}  // namespace
}  // namespace rollcall::services::store
