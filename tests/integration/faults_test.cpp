// Fault tests (issue 7): Redis or the gateway SIGKILLed in the middle of a load, a desk's hour
// of offline scans replayed while others scan live, and the network between the gateway and
// Redis cut or gone silent. The desks here behave as real ones must: every scan keeps its
// scan_id and is sent again until it gets a final answer. The truth is computed by a model of
// the counting rules over the very scans the desks send, so each test states exactly what the
// counters must show afterwards: nothing acknowledged is lost, nothing is counted twice.
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <ctime>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "services/wire/codec.h"
#include "tests/support/gateway_process.h"
#include "tests/support/http_totals.h"
#include "tests/support/redis_server.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/tcp_proxy.h"
#include "tests/support/tokens.h"
#include "tools/client/desk_client.h"
#include "tools/client/display_client.h"
#include "tools/client/errors.h"
#include "tools/client/http_get.h"

namespace rollcall::tests::integration {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using google::protobuf::util::TimeUtil;
using support::GatewayProcess;
using support::RedisServer;
using support::TcpProxy;
using tools::client::ClosedError;
using tools::client::DeskClient;
using tools::client::DisplayClient;

constexpr const char* kEvent = "faults-2025";
const std::string kTag = std::string("{") + kEvent + "}";
// Registered badges; a few unknown ones are scanned too, so rejections are counted as well.
constexpr int kBadges = 240;
// Real desks are scanners with a person in front of them: a few per second. These send 40 per
// second each, under the gateway's per-connection limit (50/s), so the load is heavy but legal.
constexpr auto kDeskPace = 25ms;
// Everything a test does must finish well inside this; a desk that cannot is a failure.
constexpr auto kDeskDeadline = 75s;

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  if (text.empty()) return lines;
  std::string::size_type start = 0;
  for (;;) {
    const auto end = text.find('\n', start);
    lines.push_back(text.substr(start, end - start));
    if (end == std::string::npos) return lines;
    start = end + 1;
  }
}

// ---------------------------------------------------------------------------------------------
// The registry: badges spread over countries and categories (the UN without a country).

struct BadgeInfo {
  std::string country;
  std::string category;
};

std::string badge_id(int n) {
  char text[16];
  std::snprintf(text, sizeof text, "B%04d", n);
  return text;
}

std::map<std::string, BadgeInfo> make_registry() {
  static const char* countries[] = {"CH", "FR", "BR", "ZA", "EG", "CN", "IN", "KE", "JP", "CL"};
  static const char* categories[] = {"minister", "regulator", "civil_society",
                                     "youth",    "technical", "un"};
  std::map<std::string, BadgeInfo> registry;
  for (int n = 0; n < kBadges; ++n) {
    const std::string category = categories[n % 6];
    registry[badge_id(n)] = {category == "un" ? "" : countries[(n / 6) % 10], category};
  }
  return registry;
}

std::string registry_csv(const std::map<std::string, BadgeInfo>& registry) {
  std::string csv = "badge_id,country,category,name,organization\n";
  for (const auto& [id, badge] : registry) {
    csv += id + "," + badge.country + "," + badge.category + ",Person " + id + ",Org " + id + "\n";
  }
  return csv;
}

// ---------------------------------------------------------------------------------------------
// The truth: services/store/rollcall.lua's counting rules for the scans these tests make (any
// day, any zone, no revocations), kept as the same counter fields. Badges are independent of
// each other, and each badge here is scanned by one desk in one order, so the model can run
// over the desks' queues before they are sent, whatever the interleaving across desks.

std::string utc_format(std::int64_t ms, const char* format) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, format, &tm);
  return text;
}

class CountingModel {
 public:
  explicit CountingModel(std::map<std::string, BadgeInfo> registry)
      : registry_(std::move(registry)) {}

  // Applies one scan as Redis will (device time is plausible and in the past, so it decides
  // the day); returns the status the desk must get.
  v1::ScanStatus apply(const v1::ScanRequest& scan, bool late) {
    const auto ms = TimeUtil::TimestampToMilliseconds(scan.device_time());
    const auto day = utc_format(ms, "%F");
    const auto minute = utc_format(ms, "%FT%R");
    const std::string& zone = scan.zone();
    const bool in = scan.direction() == v1::in;
    std::string status;
    const auto badge = registry_.find(scan.badge_id());
    if (badge == registry_.end()) {
      status = "unknown_badge";
    } else {
      auto& state = states_[scan.badge_id()];
      const auto& info = badge->second;
      if (!state.state_day.empty() && day < state.state_day) {
        // A late replay of an earlier day: it counts for its day, present state untouched.
        status =
            in ? (first_entry(scan.badge_id(), state, info, day, minute) ? "accepted" : "reentry")
               : "exit";
      } else {
        state.state_day = day;
        if (!state.zone.empty() && state.inside_day != day) leave_zone(state);
        if (in) {
          if (state.zone == zone) {
            status = "already_inside";
          } else {
            if (!state.zone.empty()) {
              bump("inside:zone:" + state.zone, -1);
              bump("inside:zone:" + zone, 1);
              status = "reentry";
            } else {
              bump("inside", 1);
              bump("inside:zone:" + zone, 1);
              status =
                  first_entry(scan.badge_id(), state, info, day, minute) ? "accepted" : "reentry";
            }
            state.zone = zone;
            state.inside_day = day;
          }
        } else if (!state.zone.empty()) {
          leave_zone(state);
          status = "exit";
        } else {
          status = "not_inside";
        }
      }
    }
    bump("scans:" + status, 1);
    bump("desk:" + scan.desk_id() + ":scans", 1);
    if (status == "unknown_badge") bump("desk:" + scan.desk_id() + ":rejected", 1);
    if (late) bump("desk:" + scan.desk_id() + ":late", 1);
    v1::ScanStatus parsed = v1::scan_status_unspecified;
    v1::ScanStatus_Parse(status, &parsed);
    return parsed;
  }

  const std::map<std::string, long>& counters() const { return counters_; }

 private:
  struct BadgeState {
    std::string zone;  // empty: outside
    std::string inside_day;
    std::string state_day;
    std::set<std::string> days;
  };

  void bump(const std::string& field, long by) { counters_[field] += by; }

  void leave_zone(BadgeState& state) {
    bump("inside", -1);
    bump("inside:zone:" + state.zone, -1);
    state.zone.clear();
    state.inside_day.clear();
  }

  bool first_entry(const std::string& id, BadgeState& state, const BadgeInfo& info,
                   const std::string& day, const std::string& minute) {
    if (!state.days.insert(day).second) return false;
    if (onsite_.insert(id).second) {
      bump("onsite", 1);
      bump("onsite:country:" + info.country, 1);
      bump("onsite:category:" + info.category, 1);
    }
    bump("day:" + day + ":onsite", 1);
    bump("day:" + day + ":country:" + info.country, 1);
    bump("day:" + day + ":category:" + info.category, 1);
    bump("arrivals:" + minute, 1);
    return true;
  }

  std::map<std::string, BadgeInfo> registry_;
  std::map<std::string, BadgeState> states_;
  std::set<std::string> onsite_;
  std::map<std::string, long> counters_;
};

// The figures a display and GET /totals show, with zero entries dropped (a zone emptied by
// exits stays in the counters as 0), so the model's counters and a Totals message compare.
struct Figures {
  struct Day {
    long onsite = 0;
    std::map<std::string, long> by_country, by_category;
    bool operator==(const Day&) const = default;
  };
  long onsite = 0, inside_now = 0, countries_onsite = 0;
  std::map<std::string, long> by_country, by_category, inside_by_zone, scans_by_status;
  std::map<std::string, Day> days;
  bool operator==(const Figures&) const = default;

  std::string describe() const {
    std::ostringstream out;
    auto map = [&](const char* name, const std::map<std::string, long>& values) {
      out << " " << name << "{";
      for (const auto& [key, value] : values) out << key << ":" << value << " ";
      out << "}";
    };
    out << "onsite " << onsite << ", inside_now " << inside_now << ", countries "
        << countries_onsite;
    map("by_country", by_country);
    map("by_category", by_category);
    map("inside_by_zone", inside_by_zone);
    map("scans_by_status", scans_by_status);
    for (const auto& [day, figures] : days) {
      out << " day " << day << ": " << figures.onsite;
      map("by_country", figures.by_country);
      map("by_category", figures.by_category);
    }
    return out.str();
  }
};

template <class Map>
std::map<std::string, long> nonzero(const Map& values) {
  std::map<std::string, long> out;
  for (const auto& [key, value] : values) {
    if (value != 0) out[key] = value;
  }
  return out;
}

Figures figures_of(const std::map<std::string, long>& counters) {
  Figures f;
  auto value = [&](const std::string& field) {
    const auto found = counters.find(field);
    return found == counters.end() ? 0L : found->second;
  };
  f.onsite = value("onsite");
  f.inside_now = value("inside");
  for (const auto& [field, count] : counters) {
    if (count == 0) continue;
    auto strip = [&](std::string_view prefix, std::string* rest) {
      if (!field.starts_with(prefix)) return false;
      *rest = field.substr(prefix.size());
      return true;
    };
    std::string rest;
    if (strip("onsite:country:", &rest)) {
      f.by_country[rest] = count;
      if (!rest.empty()) ++f.countries_onsite;
    } else if (strip("onsite:category:", &rest)) {
      f.by_category[rest] = count;
    } else if (strip("inside:zone:", &rest)) {
      f.inside_by_zone[rest] = count;
    } else if (strip("scans:", &rest)) {
      f.scans_by_status[rest] = count;
    } else if (strip("day:", &rest)) {
      const auto colon = rest.find(':');
      auto& day = f.days[rest.substr(0, colon)];
      const auto what = rest.substr(colon + 1);
      if (what == "onsite") {
        day.onsite = count;
      } else if (what.starts_with("country:")) {
        day.by_country[what.substr(8)] = count;
      } else if (what.starts_with("category:")) {
        day.by_category[what.substr(9)] = count;
      }
    }
  }
  return f;
}

Figures figures_of(const v1::Totals& totals) {
  Figures f;
  f.onsite = totals.onsite();
  f.inside_now = totals.inside_now();
  f.countries_onsite = totals.countries_onsite();
  f.by_country = nonzero(totals.onsite_by_country());
  f.by_category = nonzero(totals.onsite_by_category());
  f.inside_by_zone = nonzero(totals.inside_by_zone());
  f.scans_by_status = nonzero(totals.scans_by_status());
  for (const auto& [name, day] : totals.days()) {
    if (day.onsite() == 0) continue;
    f.days[name] = {day.onsite(), nonzero(day.onsite_by_country()),
                    nonzero(day.onsite_by_category())};
  }
  return f;
}

// ---------------------------------------------------------------------------------------------
// A desk that never gives up on a scan: it sends its queue in order, and anything but a final
// answer (`unavailable`, a timeout, a closed connection, a refused connect) means "not
// acknowledged": it waits (backoff), reconnects to wherever the gateway now is, and sends the
// same request, scan_id and all, again.

struct DeskFigures {
  int sent = 0;          // frames sent, retries included
  int acknowledged = 0;  // final answers
  int replays = 0;       // final answers marked replay: applied before, their answer was lost
  int unavailable = 0;   // `unavailable` answers
  int failures = 0;      // timeouts, closed connections, refused connects and upgrades
  int connects = 0;
};

class PersistentDesk {
 public:
  PersistentDesk(std::string host, std::function<unsigned short()> port, std::string token,
                 std::chrono::milliseconds pace = kDeskPace)
      : host_(std::move(host)), port_(std::move(port)), token_(std::move(token)), pace_(pace) {}

  void enqueue(v1::ScanRequest scan) { queue_.push_back(std::move(scan)); }
  const std::vector<v1::ScanRequest>& queue() const { return queue_; }

  // Sends until every queued scan has a final answer; false if the deadline passes first.
  // `acknowledged` (shared by all desks) counts final answers as they come.
  bool run(Clock::time_point deadline, std::atomic<int>& acknowledged,
           std::atomic<int>& not_acknowledged) {
    auto backoff = 20ms;
    auto next_send = Clock::now();
    while (results_.size() < queue_.size()) {
      if (Clock::now() > deadline) return false;
      const auto& scan = queue_[results_.size()];
      try {
        if (!client_ || !client_->is_open()) {
          client_ = std::make_unique<DeskClient>();
          client_->set_token(token_);
          ++figures_.connects;
          client_->connect(host_, port_(), kEvent, tools::client::Encoding::binary, 2s);
        }
        std::this_thread::sleep_until(next_send);
        next_send = Clock::now() + pace_;
        ++figures_.sent;
        auto result = client_->scan(scan, 4s);
        if (result.status() == v1::unavailable) {
          ++figures_.unavailable;
          ++not_acknowledged;
          ++unacknowledged_;
          std::this_thread::sleep_for(backoff);
          backoff = std::min<std::chrono::milliseconds>(backoff * 2, 400ms);
          continue;
        }
        if (result.replay()) ++figures_.replays;
        ++figures_.acknowledged;
        {
          std::lock_guard lock(mutex_);
          acknowledged_ids_.push_back(scan.scan_id());
        }
        results_.push_back(std::move(result));
        ++acknowledged;
        backoff = 20ms;
      } catch (const std::exception& e) {
        ++figures_.failures;
        ++not_acknowledged;
        ++unacknowledged_;
        last_failure_ = e.what();
        if (client_ && client_->close_info()) {
          last_failure_ += " (close " + std::to_string(client_->close_info()->code) + " " +
                           client_->close_info()->reason + ")";
        }
        client_.reset();
        std::this_thread::sleep_for(backoff);
        backoff = std::min<std::chrono::milliseconds>(backoff * 2, 400ms);
      }
    }
    if (client_) client_->close();
    return true;
  }

  // Results and figures: read them once run() has returned.
  const std::vector<v1::ScanResult>& results() const { return results_; }
  const DeskFigures& figures() const { return figures_; }
  // Attempts that got no final answer so far; safe to call while run() goes on.
  int unacknowledged() const { return unacknowledged_; }
  // The scan_ids acknowledged so far; safe to call while run() goes on in another thread.
  std::vector<std::string> acknowledged_ids() const {
    std::lock_guard lock(mutex_);
    return acknowledged_ids_;
  }
  const std::string& last_failure() const { return last_failure_; }

 private:
  std::string host_;
  std::function<unsigned short()> port_;
  std::string token_;
  std::chrono::milliseconds pace_;
  std::vector<v1::ScanRequest> queue_;
  std::vector<v1::ScanResult> results_;
  std::unique_ptr<DeskClient> client_;
  DeskFigures figures_;
  std::string last_failure_;
  std::atomic<int> unacknowledged_ = 0;
  mutable std::mutex mutex_;
  std::vector<std::string> acknowledged_ids_;
};

v1::ScanRequest make_scan(const std::string& scan_id, const std::string& badge,
                          const std::string& desk, v1::Direction direction, const std::string& zone,
                          std::int64_t device_ms) {
  v1::ScanRequest request;
  request.set_scan_id(scan_id);
  request.set_badge_id(badge);
  request.set_desk_id(desk);
  request.set_zone(zone);
  request.set_direction(direction);
  *request.mutable_device_time() = TimeUtil::MillisecondsToTimestamp(device_ms);
  return request;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// What each badge goes through at a desk, by its number: entries, exits, zone moves, repeated
// entries, exits without an entry, people who never leave.
using Script = std::vector<std::pair<v1::Direction, std::string>>;

Script script_for(int n) {
  switch (n % 5) {
    case 0:
      return {{v1::in, "hall"}, {v1::out, "hall"}, {v1::in, "room_1"}, {v1::in, "room_1"}};
    case 1:
      return {{v1::in, "hall"}, {v1::in, "room_1"}, {v1::out, "room_1"}};
    case 2:
      return {{v1::out, "hall"}, {v1::in, "hall"}};
    case 3:
      return {{v1::in, "hall"},
              {v1::out, "hall"},
              {v1::in, "hall"},
              {v1::out, "hall"},
              {v1::in, "room_2"}};
    default:
      return {{v1::in, "room_2"}};
  }
}

// Fills desk `desk_id`'s queue with the scripts of `badges`, interleaved (a desk sees people
// in turn, each person's scans in order), plus `unknown` scans of badges nobody registered.
// Each scan's status by the model lands in `statuses`.
void plan_scans(PersistentDesk& desk, CountingModel& model,
                std::map<std::string, v1::ScanStatus>& statuses, const std::string& desk_id,
                const std::vector<int>& badges, int unknown, std::int64_t device_ms,
                std::int64_t step_ms, bool late, const std::function<Script(int)>& script) {
  std::vector<Script> scripts;
  for (const int n : badges) scripts.push_back(script(n));
  int made = 0;
  for (std::size_t step = 0;; ++step) {
    bool any = false;
    for (std::size_t i = 0; i < badges.size(); ++i) {
      if (step >= scripts[i].size()) continue;
      any = true;
      const auto& [direction, zone] = scripts[i][step];
      auto scan = make_scan(desk_id + "-" + std::to_string(made), badge_id(badges[i]), desk_id,
                            direction, zone, device_ms + made * step_ms);
      ++made;
      statuses[scan.scan_id()] = model.apply(scan, late);
      desk.enqueue(std::move(scan));
      if (unknown > 0 && made % 25 == 0) {
        auto stranger = make_scan(desk_id + "-" + std::to_string(made),
                                  "NOBODY-" + desk_id + "-" + std::to_string(unknown), desk_id,
                                  v1::in, "hall", device_ms + made * step_ms);
        ++made;
        --unknown;
        statuses[stranger.scan_id()] = model.apply(stranger, late);
        desk.enqueue(std::move(stranger));
      }
    }
    if (!any) break;
  }
}

// A fault test's figures, printed for the closing note and recorded as test properties.
struct RunFigures {
  int scans = 0, sent = 0, acknowledged = 0, replays = 0, unavailable = 0, failures = 0;
  int faults = 0;
  long recover_ms = -1;
  int lost = 0;
};

// ---------------------------------------------------------------------------------------------

class Faults : public ::testing::Test {
 protected:
  // Zero acknowledged loss is promised with `appendfsync always` (deploy/redis/).
  void start_redis() {
    redis_ = std::make_unique<RedisServer>(std::vector<std::string>{"--appendfsync", "always"});
    ASSERT_TRUE(support::import_registry(*redis_, kEvent, registry_csv(registry_)));
    display_token_ = support::issue_token(*redis_, kEvent, v1::Role::display);
    organizer_token_ = support::issue_token(*redis_, kEvent, v1::Role::organizer);
  }

  void start_gateway(const std::string& redis_url) {
    gateway_ =
        std::make_unique<GatewayProcess>(redis_url, std::vector<std::string>{"--tick-ms", "50"});
    gateway_port_ = gateway_->port();
  }

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(start_redis());
    // A fresh model per test; the registry is the same for all.
    model_ = std::make_unique<CountingModel>(registry_);
  }

  void TearDown() override {
    if (gateway_) {
      EXPECT_TRUE(gateway_->alive()) << "the gateway died:\n" << gateway_->log();
    }
  }

  // A desk is its token: each desk of a test has its own, bound to the desk id its scans use.
  std::string desk_token(const std::string& desk_id) {
    return support::issue_desk_token(*redis_, kEvent, desk_id);
  }

  std::unique_ptr<PersistentDesk> new_desk(const std::string& desk_id,
                                           std::chrono::milliseconds pace = kDeskPace) {
    return std::make_unique<PersistentDesk>(
        "127.0.0.1", [this] { return gateway_port_.load(); }, desk_token(desk_id), pace);
  }

  // Runs the desks on their own threads; `during` runs on this one meanwhile (the fault).
  void run_desks(std::vector<std::unique_ptr<PersistentDesk>>& desks,
                 const std::function<void()>& during = {}) {
    std::vector<std::thread> threads;
    std::vector<char> finished(desks.size(), 0);
    const auto deadline = Clock::now() + kDeskDeadline;
    for (std::size_t i = 0; i < desks.size(); ++i) {
      threads.emplace_back(
          [&, i] { finished[i] = desks[i]->run(deadline, acknowledged_, not_acknowledged_); });
    }
    try {
      if (during) during();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "injecting the fault failed: " << e.what();
    }
    for (auto& thread : threads) thread.join();
    for (std::size_t i = 0; i < desks.size(); ++i) {
      EXPECT_TRUE(finished[i]) << "desk " << i << " still had unacknowledged scans; last failure: "
                               << desks[i]->last_failure() << "\n"
                               << (gateway_ ? gateway_->log() : "");
    }
  }

  // Waits (bounded) until `condition` holds; false if it never did.
  static bool eventually(const std::function<bool()>& condition, Clock::duration limit) {
    const auto deadline = Clock::now() + limit;
    while (!condition()) {
      if (Clock::now() > deadline) return false;
      std::this_thread::sleep_for(10ms);
    }
    return true;
  }

  // Every desk (that still has scans to send) has had an attempt go unacknowledged.
  static bool every_desk_felt_it(const std::vector<std::unique_ptr<PersistentDesk>>& desks) {
    return std::all_of(desks.begin(), desks.end(),
                       [](const auto& desk) { return desk->unacknowledged() > 0; });
  }

  int readyz() {
    try {
      return tools::client::http_get("127.0.0.1", gateway_port_, "/readyz", 2s).status;
    } catch (const std::exception&) {
      return 0;
    }
  }

  v1::Totals http_totals() {
    return support::http_totals("127.0.0.1", gateway_port_,
                                std::string("/v1/events/") + kEvent + "/totals", organizer_token_);
  }

  std::unique_ptr<DisplayClient> display() {
    auto client = std::make_unique<DisplayClient>();
    client->set_token(display_token_);
    client->connect("127.0.0.1", gateway_port_, kEvent);
    return client;
  }

  // The display reaches the truth; if its gateway went away it connects to the current one, as
  // a display page does. Returns the reconnections it needed, or -1 if it never got there.
  int converge(std::unique_ptr<DisplayClient>& screen, const Figures& truth) {
    const auto deadline = Clock::now() + 30s;
    int reconnects = 0;
    while (Clock::now() < deadline) {
      try {
        if (!screen) {
          ++reconnects;
          screen = display();
        }
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (screen->wait_until(
                [&](const v1::Totals& totals) { return figures_of(totals) == truth; }, left)) {
          return reconnects;
        }
      } catch (const std::exception&) {
        screen.reset();
        std::this_thread::sleep_for(50ms);
      }
    }
    return -1;
  }

  // Redis's own counters, every field.
  std::map<std::string, long> redis_counters() {
    const auto flat = split_lines(redis_->command({"HGETALL", kTag + ":counters"}));
    std::map<std::string, long> counters;
    for (std::size_t i = 0; i + 1 < flat.size(); i += 2) counters[flat[i]] = std::stol(flat[i + 1]);
    return counters;
  }

  // scan_id -> how many times the event log records it.
  std::map<std::string, int> logged_scan_ids() {
    const auto flat = split_lines(redis_->command({"XRANGE", kTag + ":log", "-", "+"}));
    std::map<std::string, int> ids;
    for (std::size_t i = 0; i + 1 < flat.size(); ++i) {
      if (flat[i] == "scan_id") ++ids[flat[i + 1]];
    }
    return ids;
  }

  // How many of `scan_ids` Redis does not know (its de-duplication hash).
  int missing_scan_ids(const std::vector<std::string>& scan_ids) {
    if (scan_ids.empty()) return 0;
    std::vector<std::string> command = {"HMGET", kTag + ":scan_ids"};
    command.insert(command.end(), scan_ids.begin(), scan_ids.end());
    const auto values = split_lines(redis_->command(command));
    EXPECT_EQ(values.size(), scan_ids.size());
    return static_cast<int>(std::count(values.begin(), values.end(), std::string()));
  }

  // Everything a fault test promises about its desks' scans, checked against the model:
  // every scan got the status the counting rules give it, each scan_id is in the log exactly
  // once, Redis's counters and the HTTP totals equal the truth. Returns scans lost.
  int expect_truth(const std::vector<std::unique_ptr<PersistentDesk>>& desks,
                   const std::set<std::string>& late_desks = {},
                   const std::set<std::string>& other_scan_ids = {}) {
    std::set<std::string> expected_ids = other_scan_ids;
    for (const auto& desk : desks) {
      // Every queued scan must be in the log, whether or not its desk got to hear so.
      for (const auto& scan : desk->queue()) expected_ids.insert(scan.scan_id());
      EXPECT_EQ(desk->results().size(), desk->queue().size());
      for (std::size_t i = 0; i < desk->results().size(); ++i) {
        const auto& scan = desk->queue()[i];
        const auto& result = desk->results()[i];
        EXPECT_EQ(result.scan_id(), scan.scan_id());
        EXPECT_EQ(v1::ScanStatus_Name(result.status()),
                  v1::ScanStatus_Name(statuses_[scan.scan_id()]))
            << "scan " << scan.scan_id() << " of " << scan.badge_id();
      }
    }
    int lost = 0;
    const auto logged = logged_scan_ids();
    for (const auto& id : expected_ids) {
      const auto found = logged.find(id);
      if (found == logged.end()) {
        ++lost;
        ADD_FAILURE() << "scan " << id << " is not in the event log";
      } else {
        EXPECT_EQ(found->second, 1) << "scan " << id << " is logged " << found->second << " times";
      }
    }
    for (const auto& [id, count] : logged) {
      EXPECT_TRUE(expected_ids.contains(id)) << "the log has a scan nobody sent: " << id;
    }
    EXPECT_EQ(redis_->command({"HLEN", kTag + ":scan_ids"}), std::to_string(expected_ids.size()));

    // Redis's counters, field by field (last_seen is a clock; late only where it is certain).
    auto comparable = [&](const std::map<std::string, long>& counters) {
      std::map<std::string, long> out;
      for (const auto& [field, value] : counters) {
        if (value == 0 || field.ends_with(":last_seen")) continue;
        if (field.ends_with(":late") &&
            !late_desks.contains(field.substr(5, field.size() - 5 - 5))) {
          continue;
        }
        out[field] = value;
      }
      return out;
    };
    const auto expected = comparable(model_->counters());
    const auto actual = comparable(redis_counters());
    for (const auto& [field, value] : expected) {
      const auto found = actual.find(field);
      EXPECT_TRUE(found != actual.end() && found->second == value)
          << field << ": truth " << value << ", redis "
          << (found == actual.end() ? std::string("none") : std::to_string(found->second));
    }
    for (const auto& [field, value] : actual) {
      EXPECT_TRUE(expected.contains(field)) << field << " = " << value << " is not in the truth";
    }

    const auto truth = figures_of(model_->counters());
    const auto served = figures_of(http_totals());
    EXPECT_EQ(served, truth) << "served: " << served.describe() << "\ntruth:  " << truth.describe();
    return lost;
  }

  // Plans `desk_count` desks over the registry's badges (every badge belongs to one desk).
  std::vector<std::unique_ptr<PersistentDesk>> plan_desks(
      int desk_count, int first_badge, int badge_count, const std::string& prefix,
      std::chrono::milliseconds pace = kDeskPace) {
    std::vector<std::unique_ptr<PersistentDesk>> desks;
    const auto device_ms = now_ms();
    for (int d = 0; d < desk_count; ++d) {
      std::vector<int> badges;
      for (int n = first_badge + d; n < first_badge + badge_count; n += desk_count) {
        badges.push_back(n);
      }
      desks.push_back(new_desk(prefix + std::to_string(d), pace));
      plan(*desks.back(), prefix + std::to_string(d), badges, 2, device_ms, 0, false);
    }
    return desks;
  }

  void plan(PersistentDesk& desk, const std::string& desk_id, const std::vector<int>& badges,
            int unknown, std::int64_t device_ms, std::int64_t step_ms, bool late,
            const std::function<Script(int)>& script = script_for) {
    plan_scans(desk, *model_, statuses_, desk_id, badges, unknown, device_ms, step_ms, late,
               script);
  }

  RunFigures figures_of_desks(const std::vector<std::unique_ptr<PersistentDesk>>& desks) {
    RunFigures run;
    for (const auto& desk : desks) {
      run.scans += static_cast<int>(desk->queue().size());
      run.sent += desk->figures().sent;
      run.acknowledged += desk->figures().acknowledged;
      run.replays += desk->figures().replays;
      run.unavailable += desk->figures().unavailable;
      run.failures += desk->figures().failures;
    }
    return run;
  }

  // The load fault tests' opening: a gateway, a display that shows its first figures, and six
  // desks planned over every badge (`total` scans); `shown_then_reported` is their closing.
  struct Load {
    std::unique_ptr<DisplayClient> screen;
    std::vector<std::unique_ptr<PersistentDesk>> desks;
    int total = 0;
  };
  void start_load(Load* load) {
    start_gateway(redis_->url());
    load->screen = display();
    ASSERT_TRUE(load->screen->wait_until([](const v1::Totals& t) { return t.has_onsite(); }));
    load->desks = plan_desks(6, 0, kBadges, "desk-");
    for (const auto& desk : load->desks) load->total += static_cast<int>(desk->queue().size());
  }

  // The display's reconnects until it showed the model's counts (-1, and a failure, if it never
  // did); then the run's figures, with the desks', reported.
  int shown_then_reported(std::unique_ptr<DisplayClient>& screen,
                          const std::vector<std::unique_ptr<PersistentDesk>>& desks,
                          const RunFigures& run) {
    const auto truth = figures_of(model_->counters());
    const int reconnects = converge(screen, truth);
    EXPECT_GE(reconnects, 0) << "the display never showed the truth: "
                             << (screen ? figures_of(screen->state()).describe() : "(closed)")
                             << "\ntruth: " << truth.describe();
    auto figures = figures_of_desks(desks);
    figures.faults = run.faults;
    figures.recover_ms = run.recover_ms;
    figures.lost = run.lost;
    report(figures);
    return reconnects;
  }

  void report(const RunFigures& run) {
    std::cout << "[faults] " << ::testing::UnitTest::GetInstance()->current_test_info()->name()
              << ": scans " << run.scans << ", frames sent " << run.sent << ", acknowledged "
              << run.acknowledged << ", acknowledged as replays " << run.replays
              << ", unavailable answers " << run.unavailable << ", failed attempts " << run.failures
              << ", faults injected " << run.faults << ", time to recover " << run.recover_ms
              << " ms, scans lost " << run.lost << std::endl;
    RecordProperty("scans", run.scans);
    RecordProperty("frames_sent", run.sent);
    RecordProperty("acknowledged", run.acknowledged);
    RecordProperty("replays", run.replays);
    RecordProperty("unavailable", run.unavailable);
    RecordProperty("failed_attempts", run.failures);
    RecordProperty("faults", run.faults);
    RecordProperty("recover_ms", static_cast<int>(run.recover_ms));
    RecordProperty("lost", run.lost);
  }

  static long ms_since(Clock::time_point start) {
    return static_cast<long>(
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count());
  }

  std::map<std::string, BadgeInfo> registry_ = make_registry();
  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<GatewayProcess> gateway_;
  std::atomic<unsigned short> gateway_port_ = 0;
  std::unique_ptr<CountingModel> model_;
  std::map<std::string, v1::ScanStatus> statuses_;
  std::string display_token_, organizer_token_;
  std::atomic<int> acknowledged_ = 0;
  std::atomic<int> not_acknowledged_ = 0;
};

// Redis SIGKILLed while six desks scan, restarted from its AOF on the same port and directory.
TEST_F(Faults, RedisKilledMidLoadLosesNoAcknowledgedScan) {
  Load load;
  ASSERT_NO_FATAL_FAILURE(start_load(&load));
  auto& [screen, desks, total] = load;
  RunFigures run;

  int acknowledged_at_kill = -1, missing_after_restart = -1;
  run_desks(desks, [&] {
    EXPECT_TRUE(eventually([&] { return acknowledged_ >= total / 3; }, 60s));
    redis_->kill(SIGKILL);
    ++run.faults;
    // What any desk holds as acknowledged now was fsynced before its answer left Redis.
    std::vector<std::string> acknowledged_before;
    for (const auto& desk : desks) {
      const auto ids = desk->acknowledged_ids();
      acknowledged_before.insert(acknowledged_before.end(), ids.begin(), ids.end());
    }
    acknowledged_at_kill = static_cast<int>(acknowledged_before.size());
    // Redis stays down until every desk has noticed (`unavailable`, or a dropped connection).
    EXPECT_TRUE(eventually([&] { return every_desk_felt_it(desks); }, 20s));
    const auto restarted = Clock::now();
    redis_->start();
    missing_after_restart = missing_scan_ids(acknowledged_before);
    EXPECT_TRUE(eventually([&] { return readyz() == 200; }, 30s)) << gateway_->log();
    run.recover_ms = ms_since(restarted);
  });

  EXPECT_EQ(missing_after_restart, 0) << "acknowledged scans missing right after the restart";
  EXPECT_GT(acknowledged_at_kill, 0);
  EXPECT_LT(acknowledged_at_kill, total) << "the fault came after the load, not in the middle";
  EXPECT_GT(not_acknowledged_, 0);
  run.lost = expect_truth(desks) + std::max(missing_after_restart, 0);
  RecordProperty("display_reconnects", shown_then_reported(screen, desks, run));
}

// Redis closes the gateway's connections while six desks scan (CLIENT KILL, as Sentinel does to
// the clients of a node it reconfigures, or an operator). hiredis writes with write(2): a write
// on a connection Redis closed raises SIGPIPE, which must end the link, not the gateway. The
// signal is also sent as such, since a write that meets the closed connection is a race.
TEST_F(Faults, RedisClosingTheGatewaysConnectionsMidLoadLosesNothing) {
  Load load;
  ASSERT_NO_FATAL_FAILURE(start_load(&load));
  auto& [screen, desks, total] = load;
  const auto pid = gateway_->pid();
  RunFigures run;

  run_desks(desks, [&] {
    EXPECT_TRUE(eventually([&] { return acknowledged_ >= total / 4; }, 60s));
    for (int i = 0; i < 5; ++i) {
      ::kill(pid, SIGPIPE);
      redis_->command({"CLIENT", "KILL", "TYPE", "normal"});  // not this one (SKIPME)
      redis_->command({"CLIENT", "KILL", "TYPE", "pubsub"});
      ++run.faults;
      std::this_thread::sleep_for(200ms);
    }
    EXPECT_TRUE(gateway_->alive()) << gateway_->log();
    EXPECT_TRUE(eventually([&] { return readyz() == 200; }, 30s)) << gateway_->log();
  });

  EXPECT_TRUE(gateway_->alive()) << gateway_->log();
  EXPECT_EQ(gateway_->pid(), pid);
  run.lost = expect_truth(desks);
  EXPECT_EQ(shown_then_reported(screen, desks, run), 0) << "the gateway stayed up";
}

// The gateway SIGKILLed while six desks scan; a new one starts on another port and the desks
// (and the display) find it, as they would behind a load balancer.
TEST_F(Faults, GatewayKilledUnderLoadLosesNothing) {
  Load load;
  ASSERT_NO_FATAL_FAILURE(start_load(&load));
  auto& [screen, desks, total] = load;
  RunFigures run;

  int acknowledged_at_kill = -1;
  run_desks(desks, [&] {
    EXPECT_TRUE(eventually([&] { return acknowledged_ >= total / 3; }, 60s));
    gateway_->stop(SIGKILL);
    ++run.faults;
    acknowledged_at_kill = acknowledged_;
    const auto killed = Clock::now();
    EXPECT_TRUE(eventually([&] { return every_desk_felt_it(desks); }, 20s));
    start_gateway(redis_->url());
    run.recover_ms = ms_since(killed);
  });

  EXPECT_GT(acknowledged_at_kill, 0);
  EXPECT_LT(acknowledged_at_kill, total) << "the fault came after the load, not in the middle";
  EXPECT_GT(not_acknowledged_, 0);
  run.lost = expect_truth(desks);
  EXPECT_GE(shown_then_reported(screen, desks, run), 1) << "the gateway it watched was killed";
}

// Five scans for each of 100 people, in and out of rooms: a full queue of 500.
Script offline_script(int n) {
  if (n % 2 == 0) {
    return {{v1::in, "hall"},
            {v1::out, "hall"},
            {v1::in, "room_1"},
            {v1::in, "room_1"},
            {v1::out, "room_1"}};
  }
  return {{v1::out, "hall"},
          {v1::in, "hall"},
          {v1::in, "room_2"},
          {v1::out, "room_2"},
          {v1::in, "hall"}};
}

// A desk that was offline for an hour sends its 500 queued scans while three desks scan live;
// then it sends the same 500 again (it never heard back, say): nothing changes the second time.
TEST_F(Faults, OfflineDeskReplaysAnHourOfScansExactlyOnce) {
  start_gateway(redis_->url());
  auto screen = display();
  ASSERT_TRUE(screen->wait_until([](const v1::Totals& t) { return t.has_onsite(); }));

  const auto hour_ago = now_ms() - 3'600'000;
  std::vector<int> offline_badges;
  for (int n = 0; n < 100; ++n) offline_badges.push_back(n);
  // Live desks at a person's pace; the offline desk sends its queue as fast as answers come
  // back, as the kiosk does (web/src/desk.js), and reconnects if the gateway's limits cut it off.
  auto desks = plan_desks(3, 100, kBadges - 100, "live-", 40ms);
  desks.push_back(new_desk("offline", 0ms));
  // Made a second apart over some eight minutes, an hour ago.
  plan(*desks.back(), "offline", offline_badges, 0, hour_ago, 1000, true, offline_script);
  const auto& offline = *desks.back();
  ASSERT_EQ(offline.queue().size(), 500u);

  run_desks(desks);
  for (std::size_t i = 0; i < offline.results().size(); ++i) {
    const auto& result = offline.results()[i];
    EXPECT_TRUE(result.late()) << result.scan_id();
    EXPECT_FALSE(result.replay()) << result.scan_id();
    EXPECT_EQ(
        result.day(),
        utc_format(TimeUtil::TimestampToMilliseconds(offline.queue()[i].device_time()), "%F"));
  }
  int lost = expect_truth(desks, {"offline"});
  auto figures = figures_of_desks(desks);

  // The same 500 again, as a desk does when it cannot tell what got through.
  auto before = http_totals();
  before.clear_as_of();
  const auto counters_before = redis_counters();
  const auto log_before = redis_->command({"XLEN", kTag + ":log"});
  std::vector<std::unique_ptr<PersistentDesk>> again;
  again.push_back(new_desk("offline", 0ms));
  for (const auto& scan : offline.queue()) again.back()->enqueue(scan);
  run_desks(again);
  ASSERT_EQ(again.back()->results().size(), 500u);
  for (std::size_t i = 0; i < 500; ++i) {
    const auto& first = offline.results()[i];
    const auto& second = again.back()->results()[i];
    EXPECT_TRUE(second.replay()) << second.scan_id();
    EXPECT_EQ(second.status(), first.status()) << second.scan_id();
    EXPECT_EQ(second.day(), first.day()) << second.scan_id();
    EXPECT_EQ(second.server_time().seconds(), first.server_time().seconds()) << second.scan_id();
  }
  auto after = http_totals();
  after.clear_as_of();
  EXPECT_EQ(after.DebugString(), before.DebugString());
  EXPECT_EQ(redis_counters(), counters_before);
  EXPECT_EQ(redis_->command({"XLEN", kTag + ":log"}), log_before);
  lost += expect_truth(desks, {"offline"});

  const auto truth = figures_of(model_->counters());
  EXPECT_EQ(converge(screen, truth), 0) << "the display never showed the truth";
  const auto& replayed = again.back()->figures();
  figures.sent += replayed.sent;
  figures.acknowledged += replayed.acknowledged;
  figures.replays += replayed.replays;
  figures.unavailable += replayed.unavailable;
  figures.failures += replayed.failures;
  figures.lost = lost;
  report(figures);
}

// The network between the gateway and Redis goes away (closed, or silent) and comes back. The
// gateway is never restarted: it must say it is not ready, answer `unavailable`, and recover
// by itself; desks replay what was not acknowledged, a display ends on the truth.
class NetworkFaults : public Faults {
 protected:
  void cut_and_restore(bool silent) {
    proxy_ = std::make_unique<TcpProxy>("127.0.0.1", redis_->port());
    start_gateway("redis://127.0.0.1:" + std::to_string(proxy_->port()));
    auto screen = display();
    ASSERT_TRUE(screen->wait_until([](const v1::Totals& t) { return t.has_onsite(); }));
    // A desk connected before the fault (opening a socket needs Redis, to check the token),
    // to see what one scan gets while the link is down.
    DeskClient probe;
    probe.set_token(desk_token("probe"));
    probe.connect("127.0.0.1", gateway_port_, kEvent);
    const auto probe_scan =
        make_scan("probe-1", badge_id(kBadges - 1), "probe", v1::in, "hall", now_ms());
    statuses_[probe_scan.scan_id()] = model_->apply(probe_scan, false);

    auto desks = plan_desks(4, 0, kBadges - 40, "desk-");
    RunFigures run;
    int total = 0;
    for (const auto& desk : desks) total += static_cast<int>(desk->queue().size());
    int acknowledged_at_fault = -1;
    long unready_ms = -1, unavailable_ms = -1;
    std::optional<v1::ScanResult> during;
    run_desks(desks, [&] {
      EXPECT_TRUE(eventually([&] { return acknowledged_ >= total / 3; }, 60s));
      silent ? proxy_->blackhole() : proxy_->cut();
      ++run.faults;
      const auto fault = Clock::now();
      acknowledged_at_fault = acknowledged_;
      // A scan sent now gets an answer, `unavailable`, in bounded time (not a hang).
      try {
        during = probe.scan(probe_scan, 15s);
        unavailable_ms = ms_since(fault);
      } catch (const std::exception& e) {
        ADD_FAILURE() << "the probe scan got no answer during the fault: " << e.what();
      }
      EXPECT_TRUE(eventually([&] { return readyz() == 503; }, 20s)) << "/readyz stayed 200";
      unready_ms = ms_since(fault);
      EXPECT_TRUE(eventually([&] { return every_desk_felt_it(desks); }, 20s));
      const auto restored = Clock::now();
      proxy_->restore();
      EXPECT_TRUE(eventually([&] { return readyz() == 200; }, 30s)) << gateway_->log();
      run.recover_ms = ms_since(restored);
    });
    ASSERT_TRUE(gateway_->alive()) << gateway_->log();

    ASSERT_TRUE(during);
    EXPECT_EQ(v1::ScanStatus_Name(during->status()), "unavailable");
    EXPECT_FALSE(during->reason().empty());
    // The desk tries again with the same scan_id: counted once.
    ASSERT_TRUE(probe.is_open()) << "the gateway dropped a desk because Redis was away";
    EXPECT_EQ(v1::ScanStatus_Name(probe.scan(probe_scan).status()), "accepted");
    EXPECT_TRUE(probe.scan(probe_scan).replay());

    EXPECT_GT(acknowledged_at_fault, 0);
    EXPECT_LT(acknowledged_at_fault, total) << "the fault came after the load, not in the middle";
    EXPECT_GT(not_acknowledged_, 0);
    run.lost = expect_truth(desks, {}, {probe_scan.scan_id()});
    EXPECT_EQ(shown_then_reported(screen, desks, run), 0)
        << "the display never disconnected: the gateway stayed up";
    RecordProperty("not_ready_after_ms", static_cast<int>(unready_ms));
    RecordProperty("unavailable_after_ms", static_cast<int>(unavailable_ms));
    RecordProperty("proxy_connections", proxy_->accepted());
    std::cout << "[faults] " << (silent ? "silent" : "closed") << " link: /readyz 503 after "
              << unready_ms << " ms, a scan answered `unavailable` " << unavailable_ms
              << " ms after the fault; proxy connections accepted " << proxy_->accepted()
              << std::endl;
  }

  void TearDown() override {
    Faults::TearDown();
    gateway_.reset();  // before the proxy it talks through
    proxy_.reset();
  }

  std::unique_ptr<TcpProxy> proxy_;
};

TEST_F(NetworkFaults, CutLinkBetweenGatewayAndRedisRecoversByItself) {
  cut_and_restore(false);
}

TEST_F(NetworkFaults, SilentLinkBetweenGatewayAndRedisRecoversByItself) {
  cut_and_restore(true);
}

}  // namespace
}  // namespace rollcall::tests::integration
