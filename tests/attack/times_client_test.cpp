// Absurd clocks on every channel that takes a client's time: a desk's device_time (JSON and
// binary frames), a platform bridge's join and leave times (JSON and binary batches) and Zoom's
// join_time and leave_time in signed webhooks. Beacons take no client time (the socket is the
// join). Each absurd time is either refused as malformed (it is no time at all) or ignored and
// flagged (the server's time counts, docs/security.md); nothing is counted on a wrong day and no
// absurd time is stored. The edges of the window (the event's days with --time-margin around
// them) are tried to the millisecond and the nanosecond, written in several UTC offsets. Then the
// event log is salted with extreme times written straight into Redis, as an old log could hold
// them, and every export must still cost its rows, not the span between its times. The
// gateway's /healthz is polled throughout and must always answer.
#include <fcntl.h>
#include <openssl/hmac.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <date/date.h>
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "rollcall/v1/rollcall.pb.h"
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
#include "tools/client/websocket_connection.h"

extern char** environ;

namespace rollcall::attack {
namespace {

using namespace std::chrono_literals;
using google::protobuf::util::TimeUtil;
using tests::support::GatewayProcess;
using tests::support::RedisServer;
namespace client = tools::client;
namespace wire = services::wire;
namespace fs = std::filesystem;

constexpr const char* kEvent = "times-attack";
constexpr const char* kZoomSecret = "zoom-secret-of-the-event";
constexpr int kBadges = 40;
constexpr std::int64_t kYear1Ms = -62'135'596'800'000;
constexpr std::int64_t kYear9999Ms = 253'402'300'799'999;
constexpr std::int64_t kDayMs = 86'400'000;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string rfc3339(std::int64_t ms) {
  return TimeUtil::ToString(TimeUtil::MillisecondsToTimestamp(ms));
}

// The event is in UTC, so a day is the date part of a time.
std::string day_of(const google::protobuf::Timestamp& at) {
  return TimeUtil::ToString(at).substr(0, 10);
}

// A program run to completion, with the peak memory of that one process.
struct Measured {
  int code = -1;
  std::string output;
  long peak_rss_kb = 0;
};

Measured run_measured(const std::vector<std::string>& argv, const fs::path& output) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  Measured run;
  if (posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ) != 0) return run;
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  rusage usage{};
  if (::wait4(pid, &status, 0, &usage) != pid) return run;
  run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.peak_rss_kb = usage.ru_maxrss;
  std::ifstream in(output, std::ios::binary);
  run.output.assign(std::istreambuf_iterator<char>(in), {});
  return run;
}

// Peak memory of a running process (the gateway), from /proc.
long peak_rss_kb(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmHWM:")) return std::stol(line.substr(6));
  }
  return -1;
}

std::string zoom_signature(const std::string& timestamp, const std::string& body) {
  const std::string message = "v0:" + timestamp + ":" + body;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), kZoomSecret, static_cast<int>(std::strlen(kZoomSecret)),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex = "v0=";
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::istringstream in(text);
  services::registry::CsvReader reader(in);
  std::vector<std::vector<std::string>> rows;
  while (auto record = reader.next()) rows.push_back(record->fields);
  return rows;
}

// What a JSON frame may carry as a time: absurd times that are times, and values that are no
// time at all. `null` is no time either way: the field is simply unset.
std::vector<std::string> json_times() {
  const auto now = now_ms();
  std::vector<std::string> values = {
      R"("0001-01-01T00:00:00Z")", R"("1900-01-01T00:00:00Z")", R"("1969-12-31T23:59:59Z")",
      R"("1970-01-01T00:00:00Z")", R"("9999-12-31T23:59:59.999999999Z")",
      R"("2999-01-01T00:00:00Z")", R"("2100-02-28T12:00:00+14:00")",
      R"("0001-01-01T00:00:00-23:59")", '"' + rfc3339(now - 8 * kDayMs) + '"',
      '"' + rfc3339(now + 10 * 60'000) + '"', '"' + rfc3339(now + 400 * kDayMs) + '"',
      // No times at all.
      R"("NaN")", R"("Infinity")", R"("-Infinity")", R"("")", R"("null")", R"("now")",
      R"("2025-02-30T00:00:00Z")", R"("2016-12-31T23:59:60Z")", R"("2025-13-01T00:00:00Z")",
      R"("10000-01-01T00:00:00Z")", R"("0000-01-01T00:00:00Z")", R"("-0001-01-01T00:00:00Z")",
      R"("2025-07-08 09:00:00")", R"("1751965200")", "0", "-1", "1e309", "253402300800",
      "18446744073709551616", "-9223372036854775809", "NaN", "true", "{}", "[]", "null"};
  return values;
}

// What a binary frame may carry: every Timestamp a client can encode, valid or not.
std::vector<std::pair<std::int64_t, std::int32_t>> binary_times() {
  const auto now_s = now_ms() / 1000;
  return {{TimeUtil::kTimestampMinSeconds, 0},
          {-2'208'988'800, 0},  // 1900
          {-1, 999'999'999},
          {0, 0},
          {TimeUtil::kTimestampMaxSeconds, 999'999'999},
          {now_s - 8 * 86'400, 0},
          {now_s + 600, 0},
          {now_s + 40 * 365 * 86'400, 0},
          // Not valid Timestamps.
          {std::numeric_limits<std::int64_t>::min(), 0},
          {std::numeric_limits<std::int64_t>::max(), 0},
          {TimeUtil::kTimestampMaxSeconds + 1, 0},
          {TimeUtil::kTimestampMinSeconds - 1, 0},
          {0, -1},
          {0, 1'000'000'000},
          {now_s, std::numeric_limits<std::int32_t>::min()},
          {1'000'000'000'000'000, 0}};
}

bool valid_timestamp(std::int64_t seconds, std::int32_t nanos) {
  return seconds >= TimeUtil::kTimestampMinSeconds && seconds <= TimeUtil::kTimestampMaxSeconds &&
         nanos >= 0 && nanos <= 999'999'999;
}

class ClientTimesAttack : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("rollcall-times-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }

  // Imports the event (in UTC, on `days`; none: every date is an event day) and starts a gateway
  // with `gateway_args`, polled on /healthz until the test ends.
  void start(const std::vector<std::string>& days, std::vector<std::string> gateway_args = {}) {
    std::string registry = "badge_id,country,category,name,organization\n";
    for (int i = 0; i < kBadges; ++i) {
      registry += "T" + std::to_string(i) + ",CH,youth,Person " + std::to_string(i) + ",Org\n";
    }
    std::string event = std::string(R"({"event_id":")") + kEvent +
                        R"(","time_zone":"UTC","zones":["hall"],"days":[)";
    for (std::size_t i = 0; i < days.size(); ++i) event += (i ? ",\"" : "\"") + days[i] + '"';
    event += "]}";
    ASSERT_TRUE(tests::support::import_registry(redis_, kEvent, registry, {.event_json = event}));
    desk_token_ = tests::support::issue_token(redis_, kEvent, v1::desk);
    platform_token_ = tests::support::issue_token(redis_, kEvent, v1::platform);
    organizer_token_ = tests::support::issue_token(redis_, kEvent, v1::organizer);
    redis_.command({"HSET", services::store::secrets_key(kEvent), "zoom", kZoomSecret});
    gateway_ = std::make_unique<GatewayProcess>(redis_.url(), std::move(gateway_args));
    poller_ = std::thread([this] {
      while (!stop_) {
        try {
          const auto r = client::http_get(gateway_->host(), gateway_->port(), "/healthz", 10s);
          ++(r.status == 200 ? health_ok_ : health_failed_);
        } catch (const std::exception&) {
          ++health_failed_;
        }
        std::this_thread::sleep_for(20ms);
      }
    });
  }

  void TearDown() override {
    stop_ = true;
    if (poller_.joinable()) poller_.join();
    if (gateway_) {
      EXPECT_GT(health_ok_.load(), 0);
      EXPECT_EQ(health_failed_.load(), 0) << "/healthz went unanswered";
      EXPECT_TRUE(gateway_->alive()) << gateway_->log();
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  client::HttpResponse get(const std::string& target) {
    return client::http_get(gateway_->host(), gateway_->port(), target,
                            client::bearer(organizer_token_), 60s);
  }

  // Sends one scan (JSON text or binary) and reads its result.
  v1::ScanResult scan_frame(client::DeskClient& desk, const std::string& frame, bool text) {
    text ? desk.send_text(frame) : desk.send_binary(frame);
    const auto reply = desk.read_raw(10s);
    EXPECT_TRUE(reply) << frame;
    return reply ? desk.decode(*reply) : v1::ScanResult{};
  }

  // A scan that got through must carry the flag (or have had no time), and count on the day of
  // the server's clock.
  void expect_counted_at_server_time(const v1::ScanResult& result, const std::string& what,
                                     bool had_time) {
    EXPECT_NE(result.status(), v1::unavailable) << what;
    EXPECT_EQ(result.device_time_ignored(), had_time) << what << ": " << result.reason();
    EXPECT_EQ(result.day(), day_of(result.server_time())) << what;
    EXPECT_FALSE(result.late()) << what;
    days_counted_.insert(result.day());
  }

  v1::OnlineReply bridge_send(client::WebSocketConnection& bridge, const std::string& frame,
                              bool text) {
    bridge.write(frame, text, 10s);
    const auto reply = bridge.read(10s);
    EXPECT_TRUE(reply) << frame;
    v1::OnlineReply decoded;
    std::string error;
    if (reply) {
      EXPECT_TRUE(wire::decode(reply->data, text ? wire::Encoding::json : wire::Encoding::binary,
                               &decoded, &error))
          << error;
    }
    return decoded;
  }

  void open_bridge(client::WebSocketConnection& bridge, bool text) {
    bridge.set_token(platform_token_);
    bridge.connect(gateway_->host(), gateway_->port(), std::string("/v1/online?event=") + kEvent,
                   text ? std::string(wire::kJsonSubprotocol) : std::string(), 10s);
  }

  // A batch of one join, or of a join without a time and then a leave, of a new participant;
  // the last item carries the time. JSON: `time` spliced in as it is (any JSON value).
  v1::OnlineRequest presence_batch(bool leaving) {
    v1::OnlineRequest request;
    const auto id = std::to_string(participants_++);
    for (const bool leave : {false, true}) {
      if (leave && !leaving) break;
      auto* item = request.mutable_batch()->add_events();
      item->set_presence_id((leave ? "leave-" : "join-") + id);
      item->set_kind(leave ? v1::leave : v1::join);
      item->set_participant_id("remote-" + id + "@example.org");
    }
    return request;
  }
  std::string presence_frame(bool leaving, const std::string& time) {
    auto frame = wire::encode(presence_batch(leaving), wire::Encoding::json);
    // Into the last event object: ..."participant_id":"..."}]}}
    frame.insert(frame.rfind("}]"), R"(,"time":)" + time);
    return frame;
  }
  std::string presence_frame(bool leaving, std::int64_t seconds, std::int32_t nanos) {
    auto request = presence_batch(leaving);
    auto* events = request.mutable_batch()->mutable_events();
    events->rbegin()->mutable_time()->set_seconds(seconds);
    events->rbegin()->mutable_time()->set_nanos(nanos);
    return wire::encode(request, wire::Encoding::binary);
  }

  // A signed Zoom participant_joined or participant_left; `time` (any JSON value, or empty for
  // none) as its join_time or leave_time.
  v1::PresenceAck zoom(const std::string& email, bool leaving, const std::string& time,
                       const std::string& event_ts = "1720425600123") {
    const auto body =
        std::string(R"({"event":"meeting.participant_)") + (leaving ? "left" : "joined") +
        R"(","event_ts":)" + event_ts +
        R"(,"payload":{"object":{"id":"1","topic":"Plenary","participant":{"email":")" + email +
        '"' + (time.empty() ? "" : (leaving ? R"(,"leave_time":)" : R"(,"join_time":)") + time) +
        "}}}}";
    ++zoom_deliveries_;
    const auto timestamp = std::to_string(now_ms() / 1000);
    const auto r = client::http_post(gateway_->host(), gateway_->port(),
                                     std::string("/v1/events/") + kEvent + "/webhooks/zoom", body,
                                     {{"x-zm-request-timestamp", timestamp},
                                      {"x-zm-signature", zoom_signature(timestamp, body)}},
                                     10s);
    EXPECT_EQ(r.status, 200) << body << ": " << r.body;
    v1::PresenceAck ack;
    std::string error;
    EXPECT_TRUE(wire::decode(r.body, wire::Encoding::json, &ack, &error)) << error << r.body;
    return ack;
  }

  std::string metrics() {
    return client::http_get(gateway_->host(), gateway_->port(), "/metrics", 10s).body;
  }

  RedisServer redis_;
  std::unique_ptr<GatewayProcess> gateway_;
  std::string desk_token_, platform_token_, organizer_token_;
  fs::path dir_;
  std::thread poller_;
  std::atomic<bool> stop_{false};
  std::atomic<int> health_ok_{0}, health_failed_{0};
  std::set<std::string> days_counted_;
  int scans_counted_ = 0;
  int participants_ = 0;
  int zoom_deliveries_ = 0;
};

TEST_F(ClientTimesAttack, AbsurdClocksOnEveryChannelAreRefusedOrFlaggedAndExportsStayBounded) {
  start({});  // no days: only the replay bounds around the server's clock apply
  int variants = 0, flagged = 0, refused = 0;

  // 1. Desks, JSON frames: one scan per variant, badges in turn, in and out alternately.
  client::DeskClient desk;
  desk.set_token(desk_token_);
  desk.connect(gateway_->host(), gateway_->port(), kEvent, client::Encoding::json);
  int serial = 0;
  auto next_scan = [&](v1::ScanRequest* request) {
    const int i = serial++;
    request->set_scan_id("attack-" + std::to_string(i));
    request->set_badge_id("T" + std::to_string(i % kBadges));
    request->set_desk_id("desk-1");
    request->set_zone("hall");
    request->set_direction((i / kBadges) % 2 == 0 ? v1::in : v1::out);
  };
  for (const auto& value : json_times()) {
    v1::ScanRequest request;
    next_scan(&request);
    auto frame = wire::encode(request, wire::Encoding::json);
    frame.insert(frame.size() - 1, R"(,"device_time":)" + value);
    const auto result = scan_frame(desk, frame, true);
    ++variants;
    if (result.status() == v1::malformed) {
      // Refused: no time at all, so the frame is no ScanRequest; the reason says what broke.
      EXPECT_FALSE(result.reason().empty()) << value;
      EXPECT_LT(result.reason().size(), 512u) << result.reason();
      ++refused;
      continue;
    }
    EXPECT_EQ(result.scan_id(), request.scan_id()) << value;
    expect_counted_at_server_time(result, "desk JSON " + value, value != "null");
    flagged += result.device_time_ignored();
    ++scans_counted_;
  }

  // 2. Desks, binary frames.
  client::DeskClient binary_desk;
  binary_desk.set_token(desk_token_);
  binary_desk.connect(gateway_->host(), gateway_->port(), kEvent, client::Encoding::binary);
  for (const auto& [seconds, nanos] : binary_times()) {
    v1::ScanRequest request;
    next_scan(&request);
    request.mutable_device_time()->set_seconds(seconds);
    request.mutable_device_time()->set_nanos(nanos);
    const auto what = "desk binary " + std::to_string(seconds) + "s " + std::to_string(nanos);
    const auto result =
        scan_frame(binary_desk, wire::encode(request, wire::Encoding::binary), false);
    ++variants;
    if (!valid_timestamp(seconds, nanos)) {
      EXPECT_EQ(result.status(), v1::malformed) << what;
      EXPECT_NE(result.reason().find("device_time"), std::string::npos) << result.reason();
      ++refused;
      continue;
    }
    expect_counted_at_server_time(result, what, true);
    flagged += result.device_time_ignored();
    ++scans_counted_;
  }

  // 3. Platform bridges, JSON and binary batches: each variant once as a join's time, and once
  // as the time of a leave that follows a join without a time, in a batch of their own so that
  // a refused batch hides nothing else.
  for (const bool text : {true, false}) {
    client::WebSocketConnection bridge;
    open_bridge(bridge, text);
    auto check = [&](const v1::OnlineReply& reply, const std::string& what, bool leaving,
                     bool had_time, bool valid) {
      ++variants;
      if (reply.has_error()) {
        EXPECT_TRUE(text && valid) << what;  // only a JSON frame can fail to parse
        EXPECT_EQ(reply.error().code(), "malformed") << what;
        ++refused;
        return;
      }
      ASSERT_EQ(reply.result().acks_size(), leaving ? 2 : 1) << what << reply.DebugString();
      const auto& ack = reply.result().acks(leaving ? 1 : 0);
      if (!valid) {
        EXPECT_EQ(ack.status(), v1::PresenceAck::rejected) << what;
        EXPECT_NE(ack.reason().find("time"), std::string::npos) << ack.reason();
        ++refused;
        return;
      }
      const auto expected = leaving ? std::set{v1::PresenceAck::left}
                                    : std::set{v1::PresenceAck::joined, v1::PresenceAck::rejoined};
      EXPECT_TRUE(expected.contains(ack.status())) << what << ": " << ack.DebugString();
      EXPECT_EQ(ack.time_ignored(), had_time) << what << ": " << ack.reason();
      if (had_time) {
        EXPECT_NE(ack.reason().find("was ignored"), std::string::npos) << ack.reason();
      }
      flagged += ack.time_ignored();
    };
    for (const bool leaving : {false, true}) {
      if (text) {
        for (const auto& value : json_times()) {
          const auto what = std::string("bridge JSON ") + (leaving ? "leave " : "join ") + value;
          check(bridge_send(bridge, presence_frame(leaving, value), true), what, leaving,
                value != "null", true);
        }
      } else {
        for (const auto& [seconds, nanos] : binary_times()) {
          const auto what = std::string("bridge binary ") + (leaving ? "leave " : "join ") +
                            std::to_string(seconds) + "s " + std::to_string(nanos);
          check(bridge_send(bridge, presence_frame(leaving, seconds, nanos), false), what, leaving,
                true, valid_timestamp(seconds, nanos));
        }
      }
    }
    bridge.close();
  }

  // 4. Zoom webhooks, signed with the event's secret: absurd or unreadable join and leave times,
  // and absurd event_ts values (which only tell deliveries apart).
  const std::vector<std::string> zoom_values = {R"("1900-01-01T00:00:00Z")",
                                                R"("0001-01-01T00:00:00Z")",
                                                R"("9999-12-31T23:59:59Z")",
                                                R"("1969-12-31T23:59:59Z")",
                                                R"("1900-01-01T00:00:00+14:00")",
                                                '"' + rfc3339(now_ms() + 30 * kDayMs) + '"',
                                                R"("NaN")",
                                                R"("")",
                                                R"("2025-02-30T10:00:00Z")",
                                                R"("2016-12-31T23:59:60Z")",
                                                "1e300",
                                                "-1",
                                                "0",
                                                "null",
                                                "{}",
                                                R"("1751965200000")",
                                                "18446744073709551615"};
  const std::vector<std::string> event_ts_values = {
      "1720425600123", "0", "-1", "1e30", "18446744073709551615", R"("soon")"};
  for (const auto& time : zoom_values) {
    for (const auto& event_ts : event_ts_values) {
      const auto email = "zoomer" + std::to_string(zoom_deliveries_) + "@example.org";
      for (const bool leaving : {false, true}) {
        const auto who = (leaving ? "left-" : "") + email;
        if (leaving) {
          ASSERT_EQ(zoom(who, false, "", event_ts).status(), v1::PresenceAck::joined);
        }
        const auto ack = zoom(who, leaving, time, event_ts);
        ++variants;
        EXPECT_EQ(ack.status(), leaving ? v1::PresenceAck::left : v1::PresenceAck::joined)
            << time << ": " << ack.DebugString();
        EXPECT_TRUE(ack.time_ignored()) << time << ": " << ack.DebugString();
        EXPECT_LT(ack.reason().size(), 1024u);  // the reason quotes the time, bounded
        flagged += ack.time_ignored();
      }
    }
  }

  // Nothing counted on a wrong day: the totals hold only the days of the server's clock.
  const auto totals = tests::support::http_totals(
      *gateway_, std::string("/v1/events/") + kEvent + "/totals", organizer_token_, 60s);
  ASSERT_FALSE(days_counted_.empty());
  for (const auto& [day, counts] : totals.days()) {
    EXPECT_TRUE(days_counted_.contains(day)) << "counted on " << day;
  }

  // Nothing absurd stored: every time in the log is within the replay bounds of its server time.
  const auto log = redis_.command({"XRANGE", services::store::log_key(kEvent), "-", "+"});
  std::istringstream lines(log);
  std::vector<std::string> flat;
  for (std::string line; std::getline(lines, line);) flat.push_back(line);
  int times_checked = 0;
  for (std::size_t i = 0; i + 1 < flat.size(); ++i) {
    if (flat[i] != "device_ms" && flat[i] != "time_ms") continue;
    const auto at = std::stoll(flat[i + 1]);
    const auto now = now_ms();
    EXPECT_GE(at, now - kDayMs) << flat[i];  // the test runs within a day
    EXPECT_LE(at, now + 5 * 60'000) << flat[i];
    ++times_checked;
  }
  EXPECT_GT(times_checked, 0);
  const auto exposition = metrics();
  for (const char* channel : {"desk", "bridge", "webhook"}) {
    EXPECT_NE(exposition.find("rollcall_client_times_ignored_total{channel=\"" +
                              std::string(channel) + "\",reason=\""),
              std::string::npos)
        << channel << "\n"
        << exposition;
  }
  EXPECT_NE(exposition.find("{channel=\"webhook\",reason=\"invalid\"}"), std::string::npos);
  EXPECT_NE(gateway_->log().find("was ignored"), std::string::npos);  // and logged

  // 5. An old log: extreme times written straight into the stream, bypassing every check, ten
  // of each kind (each such join once cost an export 1.5 s and 90 MB).
  const auto export_args = [&](const std::string& table, const std::string& format,
                               const fs::path& out) {
    return std::vector<std::string>{ROLLCALL_EXPORT_BIN, table,       "--event", kEvent,
                                    "--format",          format,      "--out",   out.string(),
                                    "--redis",           redis_.url()};
  };
  const auto before =
      run_measured(export_args("attendees", "csv", dir_ / "before.csv"), dir_ / "before.log");
  ASSERT_EQ(before.code, 0) << before.output;
  const auto server = now_ms();
  auto xadd = [&](std::vector<std::string> fields) {
    std::vector<std::string> command = {"XADD", services::store::log_key(kEvent), "*"};
    command.insert(command.end(), fields.begin(), fields.end());
    redis_.command(command);
  };
  const std::string today = rfc3339(server).substr(0, 10);
  auto session = [&](const std::string& participant, const std::string& badge,
                     std::int64_t join_server, std::int64_t join_time, std::int64_t leave_server,
                     std::int64_t leave_time) {
    for (const bool joining : {true, false}) {
      xadd({"type",
            joining ? "join" : "leave",
            "presence_id",
            participant + (joining ? "j" : "l"),
            "participant_id",
            participant,
            "badge_id",
            badge,
            "country",
            "CH",
            "category",
            "youth",
            "platform",
            "zoom",
            "session",
            "s",
            "status",
            joining ? "joined" : "left",
            "day",
            joining && join_server < 0 ? "0001-01-01" : today,
            "time_ms",
            std::to_string(joining ? join_time : leave_time),
            "server_ms",
            std::to_string(joining ? join_server : leave_server),
            "via",
            "bridge",
            "count",
            "1"});
    }
  };
  for (int i = 0; i < 10; ++i) {
    const auto badge = "T" + std::to_string(i);
    // A join whose sender said year 1, as a gateway before this fix stored it; left an hour on.
    session("old-" + badge, badge, server, kYear1Ms, server + 3'600'000, server + 3'600'000);
    // A desk's exit at 31 December 9999.
    xadd({"type",      "scan",
          "scan_id",   "old-x-" + badge,
          "badge_id",  badge,
          "desk_id",   "d",
          "zone",      "hall",
          "direction", "out",
          "status",    "exit",
          "day",       today,
          "device_ms", std::to_string(kYear9999Ms),
          "server_ms", std::to_string(server),
          "late",      "0"});
  }
  // Hand-edited server times: a session from year 1 to 9999, and one from the smallest number.
  session("edit-1", "T10", kYear1Ms, kYear1Ms, kYear9999Ms, kYear9999Ms);
  session("edit-2", "T11", std::numeric_limits<std::int64_t>::min(),
          std::numeric_limits<std::int64_t>::min(), kYear9999Ms, kYear9999Ms);
  const auto after =
      run_measured(export_args("attendees", "csv", dir_ / "after.csv"), dir_ / "after.log");
  ASSERT_EQ(after.code, 0) << after.output;
  std::ifstream after_file(dir_ / "after.csv", std::ios::binary);
  const std::string after_csv((std::istreambuf_iterator<char>(after_file)), {});
  const auto rows = parse_csv(after_csv);
  EXPECT_EQ(rows.size(), 1u + kBadges);  // one row per registered person
  // The extreme entries add a few people-days, not a day per millennium.
  EXPECT_LT(after.peak_rss_kb, before.peak_rss_kb + 32 * 1024)
      << before.peak_rss_kb << " KB before, " << after.peak_rss_kb << " KB after";
  EXPECT_EQ(after_csv.find("9999"), std::string::npos);  // no last exit in 9999

  // The same over HTTP, every table: the gateway's peak memory stays where it was, and /healthz
  // keeps answering (the poller).
  const auto gateway_before = peak_rss_kb(gateway_->pid());
  for (const char* file : {"attendees.csv", "attendees.json", "scans.csv", "scans.json",
                           "countries.csv", "categories.csv", "summary.md", "all.xlsx"}) {
    const auto r = get(std::string("/v1/events/") + kEvent + "/exports/" + file);
    EXPECT_EQ(r.status, 200) << file << ": " << r.body.substr(0, 300);
    EXPECT_FALSE(r.body.empty()) << file;
  }
  const auto gateway_after = peak_rss_kb(gateway_->pid());
  EXPECT_LT(gateway_after, gateway_before + 32 * 1024)
      << gateway_before << " KB before, " << gateway_after << " KB after";
  const auto http_rows =
      parse_csv(get(std::string("/v1/events/") + kEvent + "/exports/attendees.csv").body);
  EXPECT_EQ(http_rows.size(), 1u + kBadges);

  std::cout << variants << " variants: " << refused << " refused as no time, " << flagged
            << " flagged; exports " << before.peak_rss_kb << " KB peak before and "
            << after.peak_rss_kb << " KB after the extreme entries; gateway " << gateway_before
            << " KB -> " << gateway_after << " KB; " << health_ok_.load() << " /healthz answers\n";
  EXPECT_GT(variants, 100);
}

// The window's edges, on every channel: the event's days (yesterday and the day before, UTC)
// with a --time-margin that ends at most an hour before now, so that both ends are the event's
// and not the replay bounds. Each edge is tried 1 s, 1 ms and 1 ns either side and on it,
// written in UTC and in other offsets; a time is believed exactly when its millisecond (as
// Timestamp's floor) lies in [first midnight - margin, last midnight + margin - 1 ms].
TEST_F(ClientTimesAttack, TheEventDaysWithTheMarginAreTheEdgeOnEveryChannel) {
  const auto now = now_ms();
  const auto midnight = now - now % kDayMs;  // today 00:00 UTC
  const auto margin_hours = (now - midnight) / 3'600'000;
  const auto day = [&](int offset) { return rfc3339(midnight + offset * kDayMs).substr(0, 10); };
  start({day(-1), day(-2)}, {"--time-margin", std::to_string(margin_hours)});
  const std::int64_t from = midnight - 2 * kDayMs - margin_hours * 3'600'000;
  const std::int64_t until = midnight + margin_hours * 3'600'000 - 1;

  struct Variant {
    std::int64_t seconds;
    std::int32_t nanos;
    bool believed;
  };
  std::vector<Variant> variants;
  for (const auto edge : {from, until}) {
    for (const std::int64_t delta : {-1000, -1, 0, 1, 1000}) {
      for (const std::int32_t sub_ms : {0, 999'999}) {  // the nanoseconds under the millisecond
        const auto ms = edge + delta;
        const auto seconds = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
        const auto nanos = static_cast<std::int32_t>((ms - seconds * 1000) * 1'000'000 + sub_ms);
        variants.push_back({seconds, nanos, ms >= from && ms <= until});
      }
    }
  }
  // RFC 3339 in an offset: the same instant, so the same verdict.
  auto in_offset = [](const Variant& v, int minutes) {
    const auto local = date::sys_seconds{std::chrono::seconds{v.seconds + minutes * 60}};
    char fraction[16];
    std::snprintf(fraction, sizeof fraction, ".%09d", v.nanos);
    char zone[8];
    std::snprintf(zone, sizeof zone, "%c%02d:%02d", minutes < 0 ? '-' : '+', std::abs(minutes) / 60,
                  std::abs(minutes) % 60);
    return '"' + date::format("%FT%T", local) + fraction + (minutes == 0 ? "Z" : zone) + '"';
  };
  const std::vector<int> offsets = {0, 14 * 60, -12 * 60, 5 * 60 + 45, -(9 * 60 + 30)};

  client::DeskClient json_desk, binary_desk;
  for (auto* desk : {&json_desk, &binary_desk}) {
    desk->set_token(desk_token_);
    desk->connect(gateway_->host(), gateway_->port(), kEvent,
                  desk == &json_desk ? client::Encoding::json : client::Encoding::binary);
  }
  client::WebSocketConnection json_bridge, binary_bridge;
  open_bridge(json_bridge, true);
  open_bridge(binary_bridge, false);
  int tried = 0, scan = 0;
  std::map<std::string, int> expected_ignored;
  auto scan_request = [&] {
    v1::ScanRequest request;
    const int i = scan++;
    request.set_scan_id("edge-" + std::to_string(i));
    request.set_badge_id("T" + std::to_string(i % kBadges));
    request.set_desk_id("desk-1");
    request.set_zone("hall");
    request.set_direction(v1::in);
    return request;
  };
  for (const auto& v : variants) {
    const auto instant = date::sys_seconds{std::chrono::seconds{v.seconds}};
    const auto device_day = date::format("%F", date::floor<date::days>(instant));
    auto check_scan = [&](const v1::ScanResult& result, const std::string& what) {
      ++tried;
      EXPECT_NE(result.status(), v1::malformed) << what << ": " << result.reason();
      EXPECT_NE(result.status(), v1::unavailable) << what;
      EXPECT_EQ(result.device_time_ignored(), !v.believed) << what << ": " << result.reason();
      // A believed clock decides the day; otherwise the server's does.
      EXPECT_EQ(result.day(), v.believed ? device_day : day_of(result.server_time())) << what;
      expected_ignored["desk"] += !v.believed;
    };
    auto check_ack = [&](const v1::OnlineReply& reply, std::size_t index,
                         v1::PresenceAck::Status status, const std::string& what,
                         const std::string& channel) {
      ++tried;
      ASSERT_GT(reply.result().acks_size(), static_cast<int>(index)) << what << reply.DebugString();
      const auto& ack = reply.result().acks(static_cast<int>(index));
      EXPECT_EQ(ack.status(), status) << what << ": " << ack.DebugString();
      EXPECT_EQ(ack.time_ignored(), !v.believed) << what << ": " << ack.reason();
      expected_ignored[channel] += !v.believed;
    };
    const auto at = std::to_string(v.seconds) + "s " + std::to_string(v.nanos) + "ns";
    // Binary frames carry the Timestamp itself.
    auto request = scan_request();
    request.mutable_device_time()->set_seconds(v.seconds);
    request.mutable_device_time()->set_nanos(v.nanos);
    check_scan(scan_frame(binary_desk, wire::encode(request, wire::Encoding::binary), false),
               "desk binary " + at);
    for (const bool leaving : {false, true}) {
      check_ack(bridge_send(binary_bridge, presence_frame(leaving, v.seconds, v.nanos), false),
                leaving ? 1 : 0, leaving ? v1::PresenceAck::left : v1::PresenceAck::joined,
                std::string("bridge binary ") + (leaving ? "leave " : "join ") + at, "bridge");
    }
    // JSON frames and Zoom's webhooks carry RFC 3339 text, in every offset.
    for (const auto minutes : offsets) {
      const auto text = in_offset(v, minutes);
      auto json_request = scan_request();
      auto frame = wire::encode(json_request, wire::Encoding::json);
      frame.insert(frame.size() - 1, R"(,"device_time":)" + text);
      check_scan(scan_frame(json_desk, frame, true), "desk JSON " + text);
      for (const bool leaving : {false, true}) {
        check_ack(bridge_send(json_bridge, presence_frame(leaving, text), true), leaving ? 1 : 0,
                  leaving ? v1::PresenceAck::left : v1::PresenceAck::joined,
                  std::string("bridge JSON ") + (leaving ? "leave " : "join ") + text, "bridge");
        const auto email = "edge" + std::to_string(zoom_deliveries_) + "@example.org";
        if (leaving) {
          ASSERT_EQ(zoom(email, false, "").status(), v1::PresenceAck::joined);
        }
        ++tried;
        const auto ack = zoom(email, leaving, text);
        EXPECT_EQ(ack.status(), leaving ? v1::PresenceAck::left : v1::PresenceAck::joined)
            << text << ": " << ack.DebugString();
        EXPECT_EQ(ack.time_ignored(), !v.believed) << "zoom " << text << ": " << ack.reason();
        expected_ignored["webhook"] += !v.believed;
      }
    }
  }
  json_bridge.close();
  binary_bridge.close();

  // Every ignored time counted by channel and reason (the edges: too early and too late).
  const auto exposition = metrics();
  for (const auto& [channel, count] : expected_ignored) {
    int counted = 0;
    for (const char* reason : {"too_early", "too_late"}) {
      const auto series = "rollcall_client_times_ignored_total{channel=\"" + channel +
                          "\",reason=\"" + reason + "\"} ";
      const auto at = exposition.find(series);
      ASSERT_NE(at, std::string::npos) << series << "\n" << exposition;
      counted += std::stoi(exposition.substr(at + series.size()));
    }
    EXPECT_EQ(counted, count) << channel;
  }
  std::cout << tried << " edge variants, " << expected_ignored["desk"] << " desk, "
            << expected_ignored["bridge"] << " bridge and " << expected_ignored["webhook"]
            << " webhook times ignored; margin " << margin_hours << " h\n";
  EXPECT_GT(tried, 300);
}

}  // namespace
}  // namespace rollcall::attack
