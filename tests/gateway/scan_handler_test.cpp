// gateway/scan_handler.cpp: a desk's frame counted through the real Functions library, and every
// reply of the scan function the handler cannot read answered `unavailable` — counted, logged
// with its cause (rate-limited), never a crash, never a verdict made up from a broken reply.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <date/tz.h>

#include "gateway/metrics.h"
#include "gateway/scan_handler.h"
#include "redis/error.h"
#include "services/store/function_library.h"
#include "services/store/keys.h"
#include "services/wire/codec.h"
#include "tests/gateway/unit_fixtures.h"
#include "tests/support/log_capture.h"
#include "tests/support/scripted_commands.h"

namespace rollcall::tests::gateway {
namespace {

using redis::Reply;
using rollcall::gateway::EventInfo;
using rollcall::gateway::Metrics;
using rollcall::gateway::ScanHandler;
using services::wire::Encoding;
using support::ScriptedCommands;
using ScanHandlerLive = LiveTest;

EventInfo event_info() {
  EventInfo event;
  event.config.set_event_id("ev");
  event.zone = date::locate_zone("UTC");
  event.days_window = services::checkin::event_time_window(event.config, event.zone,
                                                           services::checkin::kDefaultTimeMargin);
  return event;
}

std::string scan_frame(const std::string& scan_id, const std::string& badge,
                       v1::Direction direction = v1::in) {
  v1::ScanRequest request;
  request.set_scan_id(scan_id);
  request.set_badge_id(badge);
  request.set_desk_id("desk1");
  request.set_zone("hall");
  request.set_direction(direction);
  return services::wire::encode(request, Encoding::json);
}

// What the scan function answers for a first entry, field by field (services/store/rollcall.lua).
std::vector<std::string> accepted_fields() {
  return {"accepted", "0",        "B1",  "hall", "2025-07-07", "1751878800000", "0", "",
          "CH",       "minister", "Ann", "Org",  "1",          "tracked",       "0", "",
          ""};
}

// ---- with the real Functions library -----------------------------------------------------

TEST_F(ScanHandlerLive, CountsThroughTheFunctionsLibrary) {
  redis_.command({"HSET", services::store::event_key("ev"), "days", "", "zones", ""});
  redis_.command({"HSET", services::store::badge_key("ev", "B1"), "country", "CH", "category",
                  "minister", "name", "Ann", "organization", "Org", "revoked", "0"});
  auto metrics = std::make_shared<Metrics>();
  ScanHandler handler(redis_.connection(), metrics);
  const auto event = event_info();
  ScanHandler::Desk desk{.id = "desk1", .token_id = "t1"};
  const std::vector<std::pair<std::string, v1::ScanStatus>> steps = {
      {"B1", v1::accepted}, {"B1", v1::already_inside}, {"B2", v1::unknown_badge}};
  int n = 0;
  for (const auto& [badge, status] : steps) {
    const auto id = "s" + std::to_string(++n);
    const auto result =
        redis_.io().run(handler.handle(event, scan_frame(id, badge), Encoding::json, desk));
    EXPECT_EQ(result.status(), status) << id << ": " << result.reason();
    EXPECT_EQ(result.scan_id(), id);
  }
  EXPECT_EQ(redis_.command({"HGET", services::store::counters_key("ev"), "onsite"}), "1");
  // A replayed scan id is the first answer again, counted once.
  const auto replay =
      redis_.io().run(handler.handle(event, scan_frame("s1", "B1"), Encoding::json, desk));
  EXPECT_EQ(replay.status(), v1::accepted);
  EXPECT_TRUE(replay.replay());
  EXPECT_EQ(redis_.command({"HGET", services::store::counters_key("ev"), "onsite"}), "1");
  EXPECT_EQ(redis_failures(*metrics, "scan", "link"), 0u);
}

TEST_F(ScanHandlerLive, AStoppedLinkIsUnavailableWithTheLinksReason) {
  redis_.connection()->stop();
  auto metrics = std::make_shared<Metrics>();
  ScanHandler handler(redis_.connection(), metrics);
  ScanHandler::Desk desk{.id = "desk1", .token_id = "t1"};
  const auto result =
      redis_.io().run(handler.handle(event_info(), scan_frame("s1", "B1"), Encoding::json, desk));
  EXPECT_EQ(result.status(), v1::unavailable);
  EXPECT_EQ(redis_failures(*metrics, "scan", "link"), 1u);
}

// ---- replies a real server will not give on demand ---------------------------------------

struct Shape {
  std::string name;
  boost::system::error_code ec;
  Reply reply;
  std::string kind;  // the metrics label it must be counted under
};

std::vector<Shape> broken_shapes() {
  std::vector<Shape> shapes = {
      {"unavailable", redis::error::unavailable, {}, "link"},
      {"not_replicated", redis::error::not_replicated, {}, "link"},
      {"nil", {}, Reply{}, "reply_shape"},
      {"integer", {}, support::integer_reply(1), "reply_shape"},
      {"status", {}, Reply{.type = Reply::Type::status, .str = "OK"}, "reply_shape"},
      {"string", {}, support::text_reply("accepted"), "reply_shape"},
      {"error", {}, support::error_reply("ERR Error running script: boom"), "error_reply"},
      {"huge error", {}, support::error_reply("ERR " + std::string(200000, 'e')), "error_reply"},
      {"binary error",
       {},
       support::error_reply(std::string("ERR \xff\xfe\0\n\x1b[31m", 12)),
       "error_reply"},
  };
  // Every array shorter than a full reply.
  const auto full = accepted_fields();
  for (std::size_t n = 0; n < 13; ++n) {
    shapes.push_back({"array of " + std::to_string(n),
                      {},
                      support::array_reply({full.begin(), full.begin() + n}),
                      "reply_shape"});
  }
  // Full length, one field wrong.
  auto bad = [&](const std::string& name, std::size_t field, std::string value) {
    auto fields = full;
    fields[field] = std::move(value);
    shapes.push_back({name, {}, support::array_reply(fields), "reply_shape"});
  };
  bad("unknown status", 0, "admitted_by_magic");
  bad("empty status", 0, "");
  bad("huge status", 0, std::string(100000, 'a'));
  bad("numeric status", 0, "1");
  bad("non-numeric server time", 5, "noon");
  bad("empty server time", 5, "");
  bad("overflowing server time", 5, "99999999999999999999999999");
  // Elements that are themselves arrays read as empty texts: an empty status.
  Reply nested{.type = Reply::Type::array};
  for (std::size_t i = 0; i < full.size(); ++i)
    nested.elements.push_back(support::array_reply({"x"}));
  shapes.push_back({"array of arrays", {}, nested, "reply_shape"});
  return shapes;
}

class ScanHandlerScripted : public ScriptedTest {
 protected:
  v1::ScanResult scan(ScriptedCommands::Answer answer, const std::string& scan_id = "s1") {
    script(answer);
    return io_.run(handler_.handle(event_, scan_frame(scan_id, "B1"), Encoding::json, desk_));
  }

  ScanHandler handler_{commands_, metrics_};
  EventInfo event_ = event_info();
  ScanHandler::Desk desk_{.id = "desk1", .token_id = "t1"};
};

TEST_F(ScanHandlerScripted, AWellFormedReplyIsTheVerdict) {
  // The control for the shapes below: the same script with a whole reply is read.
  const auto result = scan({{}, support::array_reply(accepted_fields())});
  EXPECT_EQ(result.status(), v1::accepted);
  EXPECT_EQ(result.attendee().name(), "Ann");
  EXPECT_EQ(commands_->count_named(services::store::kScanFunction), 1u);
}

TEST_F(ScanHandlerScripted, EveryBrokenReplyIsUnavailableCountedAndBounded) {
  const auto shapes = broken_shapes();
  std::map<std::string, std::uint64_t> expected;
  int n = 0;
  for (const auto& shape : shapes) {
    const auto id = "s" + std::to_string(++n);
    const auto result = scan({shape.ec, shape.reply}, id);
    EXPECT_EQ(result.status(), v1::unavailable) << shape.name;
    EXPECT_EQ(result.scan_id(), id) << shape.name;
    EXPECT_FALSE(result.has_attendee()) << shape.name;
    // Nothing of the broken reply reaches the desk.
    EXPECT_LT(result.ByteSizeLong(), 512u) << shape.name;
    EXPECT_EQ(result.reason().find("eeee"), std::string::npos) << shape.name;
    ++expected[shape.kind];
  }
  // One function call per scan, no retries that could count twice.
  EXPECT_EQ(commands_->count_named(services::store::kScanFunction), shapes.size());
  for (const auto& [kind, count] : expected) {
    EXPECT_EQ(redis_failures(*metrics_, "scan", kind), count) << kind;
  }
}

// The throttle lets the first failure of a site through at once, then about one line a second:
// wait for a fresh allowance so earlier tests' lines do not hide this one's.
void await_fresh_log_allowance() {
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
}

TEST_F(ScanHandlerScripted, EachCauseIsLoggedQuotedAndBounded) {
  struct Case {
    ScriptedCommands::Answer answer;
    std::string link_error;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {{{}, support::error_reply("ERR Error running script: boom")},
       "",
       "redis failure (error_reply) answering scan of event \"ev\" `unavailable`: Redis answered "
       "\"ERR Error running script: boom\""},
      {{{}, support::array_reply({"accepted", "0", "B1"})},
       "",
       "the scan function's reply of 3 fields is not understood (status \"accepted\")"},
      {{{}, support::array_reply({})},
       "",
       "the scan function's reply of 0 fields is not understood"},
      {{{}, Reply{}}, "", "Redis answered nil where the scan function's array was expected"},
      {{{}, support::integer_reply(7)}, "", "Redis answered integer where"},
      {{redis::error::unavailable, {}},
       "connection to 127.0.0.1:1 lost: Connection reset by peer",
       "redis failure (link) answering scan of event \"ev\" `unavailable`: redis unavailable: "
       "connection to 127.0.0.1:1 lost: Connection reset by peer"},
  };
  for (const auto& c : cases) {
    await_fresh_log_allowance();
    commands_->set_last_error(c.link_error);
    support::LogCapture log;
    EXPECT_EQ(scan(c.answer).status(), v1::unavailable);
    const auto lines = log.lines_with("redis failure");
    ASSERT_EQ(lines.size(), 1u) << c.expected;
    EXPECT_NE(lines[0].find(c.expected), std::string::npos) << lines[0];
  }
  // A reply of full length that is not understood says how many fields came.
  await_fresh_log_allowance();
  auto fields = accepted_fields();
  fields[0] = "bogus";
  support::LogCapture log;
  EXPECT_EQ(scan({{}, support::array_reply(fields)}).status(), v1::unavailable);
  const auto lines = log.lines_with("redis failure");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("the scan function's reply of 17 fields is not understood (status "
                          "\"bogus\")"),
            std::string::npos)
      << lines[0];
  // Huge or binary error texts are logged quoted: bounded, valid UTF-8, one line.
  for (const auto& text :
       {"ERR " + std::string(100000, 'x'), std::string("ERR \xff\n\x1b[2J", 10)}) {
    await_fresh_log_allowance();
    support::LogCapture huge;
    scan({{}, support::error_reply(text)});
    const auto huge_lines = huge.lines_with("redis failure");
    ASSERT_EQ(huge_lines.size(), 1u);
    EXPECT_LT(huge_lines[0].size(), 400u);
    EXPECT_EQ(huge_lines[0].find('\x1b'), std::string::npos);
  }
  // The control characters are there, escaped, on the one line.
  await_fresh_log_allowance();
  support::LogCapture escaped;
  scan({{}, support::error_reply("ERR bad\nredis failure forged\x1b[2J")});
  ASSERT_EQ(escaped.lines().size(), 1u);
  EXPECT_NE(escaped.lines()[0].find("ERR bad\\x0aredis failure forged\\x1b[2J"), std::string::npos)
      << escaped.lines()[0];
}

TEST_F(ScanHandlerScripted, AnOutageIsLoggedAtARateWithTheNumberSuppressed) {
  await_fresh_log_allowance();
  commands_->set_last_error("connection refused");
  support::LogCapture log;
  constexpr int kFailures = 200;
  for (int i = 0; i < kFailures; ++i) {
    EXPECT_EQ(scan({redis::error::unavailable, {}}, "s" + std::to_string(i)).status(),
              v1::unavailable);
  }
  await_fresh_log_allowance();
  scan({redis::error::unavailable, {}}, "last");
  const auto lines = log.lines_with("redis failure (link) answering scan");
  // Every failure is either a line or counted in the next line's note.
  std::uint64_t accounted = 0;
  const std::regex suppressed("\\(([0-9]+) more scan failures since the last such line\\)");
  for (const auto& line : lines) {
    std::smatch match;
    accounted += 1 + (std::regex_search(line, match, suppressed) ? std::stoull(match[1]) : 0);
  }
  EXPECT_EQ(accounted, kFailures + 1u);
  EXPECT_LE(lines.size(), 10u);  // ~1 a second, and 200 failures take far less than 9 s
  ASSERT_GE(lines.size(), 2u);
  EXPECT_TRUE(std::regex_search(lines.back(), suppressed)) << lines.back();
  EXPECT_EQ(redis_failures(*metrics_, "scan", "link"), std::uint64_t{kFailures} + 1);
}

}  // namespace
}  // namespace rollcall::tests::gateway
