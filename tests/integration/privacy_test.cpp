// Personal data after the event (issue 15) end to end: a private redis-server, the real
// rollcall-import, rollcall-gateway (desks scanning, a registration desk's check-ins by hand,
// walk-ins and replacements, a platform bridge's joins and leaves), then the real rollcall-admin
// shred / person export / person erase, checked with the real rollcall-export: the audit recount
// passes, every aggregate export is byte for byte what it was, and no name, organization, badge,
// person or participant id is left anywhere in Redis.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <ctime>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "redis/sync_session.h"
#include "redis/url.h"
#include "rollcall/v1/registration.pb.h"
#include "services/store/keys.h"
#include "services/wire/codec.h"
#include "tests/integration/online_support.h"
#include "tests/support/gateway_process.h"
#include "tests/support/http_totals.h"
#include "tests/support/redis_server.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/tokens.h"
#include "tools/client/desk_client.h"
#include "tools/client/http_get.h"
#include "tools/export/event_reader.h"

namespace rollcall::tests::integration {
namespace {

using namespace std::chrono_literals;
using support::GatewayProcess;
using support::RedisServer;
using tools::client::bearer;
namespace store = services::store;
namespace wire = services::wire;

constexpr const char* kEvent = "priv-2026";

std::string hex(std::mt19937& rng, int digits) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < digits; ++i) out += kDigits[rng() % 16];
  return out;
}

std::string today_utc(int offset_days = 0) {
  const auto t = std::time(nullptr) + offset_days * 86400;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", &tm);
  return text;
}

struct Attendee {
  std::string badge, name, organization, country, category;
};

// Everything in a Redis: each key with its type and content (sets sorted), for "nothing
// changed" comparisons and the search for personal strings.
std::map<std::string, std::string> snapshot(const RedisServer& redis) {
  std::map<std::string, std::string> out;
  std::istringstream keys(redis.command({"KEYS", "*"}));
  std::string key;
  while (std::getline(keys, key)) {
    if (key.empty()) continue;
    const auto type = redis.command({"TYPE", key});
    std::string content;
    if (type == "string") {
      content = redis.command({"GET", key});
    } else if (type == "hash") {
      // The gateways' day reset marks the event once a day (reset_day): not ours to compare.
      std::istringstream fields(redis.command({"HGETALL", key}));
      for (std::string field, value; std::getline(fields, field) && std::getline(fields, value);) {
        if (field != "reset_day") content += field + "\n" + value + "\n";
      }
    } else if (type == "set") {
      std::istringstream members(redis.command({"SMEMBERS", key}));
      std::set<std::string> sorted;
      for (std::string m; std::getline(members, m);) sorted.insert(m);
      for (const auto& m : sorted) content += m + "\n";
    } else if (type == "zset") {
      // Leases are renewed every few seconds while the bridge stays connected: members only.
      content = redis.command({"ZRANGE", key, "0", "-1"});
    } else if (type == "stream") {
      content = redis.command({"XRANGE", key, "-", "+"});
    } else if (type == "list") {
      content = redis.command({"LRANGE", key, "0", "-1"});
    }
    out[key] = type + ":" + content;
  }
  return out;
}

// The personal strings of `texts` found anywhere (key names or contents), for the failure text.
std::vector<std::string> found_in(const std::map<std::string, std::string>& dump,
                                  const std::set<std::string>& texts) {
  std::vector<std::string> found;
  for (const auto& text : texts) {
    for (const auto& [key, content] : dump) {
      if (key.find(text) != std::string::npos || content.find(text) != std::string::npos) {
        found.push_back(text + " in " + key);
        break;
      }
    }
  }
  return found;
}

// A JSON value with its objects' keys sorted, as text.
std::string canonical(const boost::json::value& value) {
  if (value.is_object()) {
    std::map<std::string, std::string> sorted;
    for (const auto& [key, member] : value.as_object()) sorted[key] = canonical(member);
    std::string out = "{";
    for (const auto& [key, text] : sorted)
      out += boost::json::serialize(boost::json::value(key)) + ":" + text + ",";
    return out + "}";
  }
  if (value.is_array()) {
    std::string out = "[";
    for (const auto& item : value.as_array()) out += canonical(item) + ",";
    return out + "]";
  }
  return boost::json::serialize(value);
}

class Privacy : public ::testing::Test {
 protected:
  void SetUp() override {
    rng_.seed(1515);
    const std::vector<std::string> countries = {"CH", "KE", "BR", "JP", "EG", "FR"};
    const std::vector<std::string> categories = {"minister", "regulator", "un", "civil_society",
                                                 "youth"};
    std::string csv = "badge_id,country,category,name,organization\n";
    for (int i = 0; i < 80; ++i) {
      Attendee a{"bdg-" + hex(rng_, 10), "Nm" + hex(rng_, 8) + " Fam" + hex(rng_, 6),
                 "Org" + hex(rng_, 10), countries[rng_() % countries.size()],
                 categories[rng_() % categories.size()]};
      csv +=
          a.badge + "," + a.country + "," + a.category + "," + a.name + "," + a.organization + "\n";
      people_.push_back(a);
    }
    // Today and tomorrow (UTC): scans count today, and the event has not ended.
    const std::string event = std::string(R"({"event_id":")") + kEvent +
                              R"(","time_zone":"UTC","days":[")" + today_utc() + R"(",")" +
                              today_utc(1) + R"("]})";
    ASSERT_TRUE(support::import_registry(redis_, kEvent, csv, {.event_json = event}));
    // Three revoked badges: their scans are refused.
    for (int i = 0; i < 3; ++i) {
      redis_.command({"HSET", store::badge_key(kEvent, people_[i].badge), "revoked", "1"});
    }
    scanner_ = support::issue_desk_token(redis_, kEvent, "gate-1");
    v1::TokenRecord desk;
    desk.set_role(v1::desk);
    desk.set_desk_id("reg-1");
    desk.add_scopes(v1::registration);
    desk.set_name("Registration desk 1");
    registration_ = support::issue_token(redis_, kEvent, desk);
    organizer_ = support::issue_token(redis_, kEvent, v1::organizer);
    online_tokens().platform = support::issue_token(redis_, kEvent, v1::platform);
    // The bridge stays connected without a word for the whole test; a desk scans flat out.
    gateway_ = std::make_unique<GatewayProcess>(
        redis_.url(),
        std::vector<std::string>{"--idle-timeout", "3600", "--messages-per-second", "100000"});
  }
  void TearDown() override {
    if (gateway_) {
      EXPECT_TRUE(gateway_->alive()) << gateway_->log();
    }
  }

  tools::client::HttpResponse post(const std::string& path, const std::string& body,
                                   const std::string& token) {
    return tools::client::http_post(gateway_->host(), gateway_->port(),
                                    std::string("/v1/events/") + kEvent + path, body, bearer(token),
                                    10s);
  }

  v1::ScanResult scan(tools::client::DeskClient& desk, const std::string& id,
                      const std::string& badge, v1::Direction direction) {
    v1::ScanRequest request;
    request.set_scan_id(id);
    request.set_badge_id(badge);
    request.set_desk_id("gate-1");
    request.set_zone(rng_() % 4 ? "hall" : "room-2");
    request.set_direction(direction);
    return desk.scan(request);
  }

  // A day of the event through the gateway: scans (accepted, reentry, exit, refused, replays),
  // check-ins by hand with notes naming people, walk-ins, replacements, online joins and leaves.
  void run_event() {
    tools::client::DeskClient desk;
    desk.set_token(scanner_);
    desk.connect(gateway_->host(), gateway_->port(), kEvent);
    std::map<v1::ScanStatus, int> statuses;
    // Walk-ins, registered and then scanned like everyone else.
    for (int i = 0; i < 5; ++i) {
      Attendee a{"", "Walk" + hex(rng_, 8) + " In" + hex(rng_, 6), "WOrg" + hex(rng_, 10), "KE",
                 "youth"};
      const auto response =
          post("/badges",
               R"({"request_id":"w-)" + std::to_string(i) + R"(","badge":{"country":"ke",)" +
                   R"("category":"youth","name":")" + a.name + R"(","organization":")" +
                   a.organization + R"("}})",
               registration_);
      ASSERT_EQ(response.status, 201) << response.body;
      v1::BadgeIssued issued;
      std::string error;
      ASSERT_TRUE(wire::decode(response.body, wire::Encoding::json, &issued, &error)) << error;
      a.badge = issued.badge().badge_id();
      people_.push_back(a);
    }
    for (int i = 0; i < 350; ++i) {
      const bool ghost = rng_() % 25 == 0;
      const auto badge = ghost ? "ghost-" + hex(rng_, 8) : people_[rng_() % people_.size()].badge;
      if (ghost) ghosts_.insert(badge);
      const auto id = "gate-1:" + std::to_string(i);
      const auto direction = rng_() % 3 ? v1::in : v1::out;
      const auto result = scan(desk, id, badge, direction);
      ++statuses[result.status()];
      if (rng_() % 10 == 0) {
        EXPECT_TRUE(scan(desk, id, badge, direction).replay());
      }
      if (i == 150) replace_some();
    }
    EXPECT_GT(statuses[v1::accepted], 20);
    EXPECT_GT(statuses[v1::reentry] + statuses[v1::already_inside], 5);
    EXPECT_GT(statuses[v1::exit], 5);
    EXPECT_GT(statuses[v1::revoked] + statuses[v1::unknown_badge], 3);
    // Check-ins by hand, the desk's note naming a person.
    for (int i = 0; i < 8; ++i) {
      const auto& who = people_[3 + rng_() % (people_.size() - 3)];
      const auto note = "escorted by " + people_[rng_() % people_.size()].name;
      notes_.insert(note);
      const auto response =
          post("/checkins",
               R"({"checkin_id":"reg-1:)" + std::to_string(i) + R"(","badge_id":")" + who.badge +
                   R"(","zone":"hall","direction":"in","reason":"other",)" + R"("note":")" + note +
                   R"("})",
               registration_);
      EXPECT_EQ(response.status, 200) << response.body;
      ++notes_logged_;
    }
    // Online: a bridge's joins and leaves, half of them people with badges (some hybrid), a
    // replayed item; the presence ids name the participant as some platforms' do.
    bridge_ = std::make_unique<OnlineClient>();
    auto& bridge = *bridge_;
    bridge.connect(gateway_->host(), gateway_->port(), kEvent, Encoding::binary, "zoom-bridge");
    for (int i = 0; i < 30; ++i) {
      const auto participant = "ptc-" + hex(rng_, 10);
      participants_.push_back(participant);
      const auto badge = i % 2 ? people_[rng_() % people_.size()].badge : std::string();
      if (!badge.empty()) participant_badge_[participant] = badge;
      v1::PresenceBatch batch;
      auto* item = batch.add_events();
      *item = join_item("join-" + participant, participant, badge.empty() ? "BR" : "", badge);
      if (badge.empty()) item->set_category("civil_society");
      bridge.apply(batch);
      if (i % 7 == 0) {
        EXPECT_EQ(bridge.apply(batch).acks(0).replay(), true);
      }
      if (i % 3 == 0) {
        v1::PresenceBatch leave;
        *leave.add_events() = leave_item("leave-" + participant, participant);
        bridge.apply(leave);
      }
    }
    // The bridge stays connected (its lease renewed), so no lease lapses during the test.
  }

  // Lost badges replaced at the registration desk, then scanned under their new ids.
  void replace_some() {
    for (int i = 0; i < 4; ++i) {
      auto& old = people_[10 + i * 7];
      const auto new_id = "new-" + hex(rng_, 10);
      const auto response = post("/badges/" + old.badge + "/replacement",
                                 R"({"request_id":"rp-)" + std::to_string(i) +
                                     R"(","new_badge_id":")" + new_id + R"(","reason":"lost"})",
                                 registration_);
      ASSERT_EQ(response.status, 201) << response.body;
      replaced_[old.badge] = new_id;
      Attendee copy = old;
      copy.badge = new_id;
      people_.push_back(copy);
    }
  }

  // Every string that identifies someone.
  std::set<std::string> personal_strings() const {
    std::set<std::string> out(ghosts_.begin(), ghosts_.end());
    for (const auto& a : people_) {
      out.insert(a.badge);
      out.insert(a.name);
      out.insert(a.organization);
    }
    out.insert(participants_.begin(), participants_.end());
    out.insert(notes_.begin(), notes_.end());
    return out;
  }

  int run(const std::vector<std::string>& args, std::string* output) {
    std::vector<std::string> argv = {ROLLCALL_ADMIN_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--redis", redis_.url()});
    return support::run_program(argv, output);
  }

  // Every aggregate export, the live counters and the totals route.
  std::map<std::string, std::string> figures() {
    std::map<std::string, std::string> out;
    for (const char* table : {"summary", "countries", "categories"}) {
      for (const char* format : {"csv", "json"}) {
        std::string output;
        EXPECT_EQ(support::run_program({ROLLCALL_EXPORT_BIN, table, "--event", kEvent, "--format",
                                        format, "--redis", redis_.url()},
                                       &output),
                  0)
            << output;
        out[std::string(table) + "." + format] = output;
      }
    }
    std::string report;
    EXPECT_EQ(support::run_program({ROLLCALL_EXPORT_BIN, "summary", "--event", kEvent, "--format",
                                    "txt", "--redis", redis_.url()},
                                   &report),
              0);
    out["summary.txt"] = report;
    out["counters"] = redis_.command({"FCALL", "rollcall_totals", "1", store::tag(kEvent)});
    auto parsed = support::http_totals(*gateway_, std::string("/v1/events/") + kEvent + "/totals",
                                       organizer_, 10s);
    // When it was read, and the arrivals of the last minutes: the clock's, not the data's.
    parsed.clear_as_of();
    parsed.clear_arrivals_by_minute();
    // Maps in protobuf JSON come in no set order: compared as JSON values.
    out["totals"] = canonical(boost::json::parse(wire::encode(parsed, wire::Encoding::json)));
    out["log length"] = redis_.command({"XLEN", store::log_key(kEvent)});
    out["seq"] = redis_.command({"GET", store::tag(kEvent) + ":seq"});
    return out;
  }

  void verify_passes() {
    std::string output;
    EXPECT_EQ(
        support::run_program(
            {ROLLCALL_EXPORT_BIN, "verify", "--event", kEvent, "--redis", redis_.url()}, &output),
        0)
        << output;
    EXPECT_NE(output.find(" 0 differences"), std::string::npos) << output;
    EXPECT_EQ(output.find("not recounted"), std::string::npos) << output;
  }

  std::size_t count_of(const std::string& output, const std::string& what) {
    const auto at = output.find(what + ": ");
    if (at == std::string::npos) return 0;
    return std::stoul(output.substr(at + what.size() + 2));
  }

  RedisServer redis_;
  std::mt19937 rng_;
  std::vector<Attendee> people_;
  std::set<std::string> ghosts_, notes_;
  std::vector<std::string> participants_;
  std::map<std::string, std::string> participant_badge_, replaced_;
  std::string scanner_, registration_, organizer_;
  std::unique_ptr<GatewayProcess> gateway_;
  std::unique_ptr<OnlineClient> bridge_;
  std::size_t notes_logged_ = 0;
};

TEST_F(Privacy, ShreddingAnEventKeepsEveryFigureAndLeavesNoPersonalData) {
  run_event();
  verify_passes();
  // The gateway's attendee lookup finds people by name before (its index is in memory).
  const auto& sample = people_[40];
  const auto lookup = [&] {
    return tools::client::http_get(
        gateway_->host(), gateway_->port(),
        std::string("/v1/events/") + kEvent + "/attendees?q=" + sample.name.substr(0, 10),
        bearer(registration_), 10s);
  };
  const auto found = lookup();
  ASSERT_EQ(found.status, 200) << found.body;
  EXPECT_NE(found.body.find(sample.badge), std::string::npos) << found.body;
  // The venue the event belongs to: the gateway's fold keeps this event's persons in the
  // venue's slot (services/store/rollcall.lua); beside them a venue-wide person and another
  // event's person, which the shred must leave.
  const std::string vtag = "{@geneva}:", event = kEvent;
  redis_.command({"HSET", vtag + "venue", "events", "," + event + ",other-2026,"});
  redis_.command({"SADD", "rollcall:venues", "geneva"});
  const std::string linked = "vperson-" + hex(rng_, 8), other = "other-2026/" + hex(rng_, 8);
  redis_.command({"HSET", vtag + "persons", linked, "CH"});
  redis_.command({"SADD", vtag + "onsite", linked, other});
  // Shredding waits for the fold to have read the whole log (docs/privacy.md).
  const auto folded = [&] {
    const auto last = redis_.command({"XREVRANGE", store::log_key(kEvent), "+", "-", "COUNT", "1"});
    return !last.empty() &&
           redis_.command({"HGET", vtag + "cursor", event}) == last.substr(0, last.find('\n'));
  };
  for (int i = 0; i < 200 && !folded(); ++i) std::this_thread::sleep_for(50ms);
  ASSERT_TRUE(folded()) << "the venue fold did not catch up";
  const auto venue_onsite = redis_.command({"SCARD", vtag + "onsite"});
  const auto venue_participants = redis_.command({"HLEN", vtag + "participant"});
  ASSERT_GT(std::stoi(venue_onsite), 2);
  ASSERT_GT(std::stoi(venue_participants), 0);
  const auto before = figures();
  const auto strings = personal_strings();
  auto dump = snapshot(redis_);
  ASSERT_GT(found_in(dump, strings).size(), strings.size() * 9 / 10);  // the search works

  // Before the end of the event's last day: refused, nothing changed.
  std::string output;
  EXPECT_EQ(run({"shred", "--event", kEvent}, &output), 1) << output;
  EXPECT_NE(output.find("has not ended"), std::string::npos) << output;
  EXPECT_NE(output.find("--force"), std::string::npos) << output;
  EXPECT_EQ(snapshot(redis_), dump);
  // A dry run counts and changes nothing.
  EXPECT_EQ(run({"shred", "--event", kEvent, "--force", "--dry-run"}, &output), 0) << output;
  const auto dry_names = count_of(output, "names removed");
  EXPECT_EQ(snapshot(redis_), dump);

  ASSERT_EQ(run({"shred", "--event", kEvent, "--force"}, &output), 0) << output;
  std::cout << "[ shred ] " << output;
  // Every badge hash had a name and an organization: the imported, walk-ins and replacements.
  EXPECT_EQ(count_of(output, "names removed"), people_.size());
  EXPECT_EQ(count_of(output, "organizations removed"), people_.size());
  EXPECT_EQ(dry_names, people_.size());
  EXPECT_EQ(count_of(output, "badge records rewritten"), people_.size());
  EXPECT_EQ(count_of(output, "participant records renamed"), participants_.size());
  EXPECT_EQ(count_of(output, "free-text notes emptied"), notes_logged_);
  // Every log entry names someone, except day resets and forgotten desks.
  std::size_t naming = 0;
  {
    std::string url_error;
    const auto url = redis::Url::parse(redis_.url(), &url_error);
    rollcall::redis::SyncSession session(*url);
    for (const auto& entry : tools::exporting::log_entries(
             session.query({"XRANGE", store::log_key(kEvent), "-", "+"}))) {
      naming += entry.get("type") != "reset_inside" && entry.get("type") != "desk_forgotten";
    }
  }
  EXPECT_GT(naming, 350u);
  EXPECT_EQ(count_of(output, "log entries rewritten"), naming);

  // The venue: every record of this event's persons rewritten, its own person left.
  EXPECT_GT(count_of(output, "venue records pseudonymized"), std::stoul(venue_onsite));
  EXPECT_NE(output.find("venue geneva: 1 venue-wide person ids in {@geneva}:persons left"),
            std::string::npos)
      << output;

  verify_passes();
  const auto after = figures();
  for (const auto& [name, content] : before) {
    EXPECT_EQ(after.at(name), content) << name;
  }
  dump = snapshot(redis_);
  EXPECT_EQ(found_in(dump, strings), std::vector<std::string>{});
  EXPECT_EQ(found_in(dump, {linked, other}).size(), 2u);
  EXPECT_EQ(redis_.command({"SCARD", vtag + "onsite"}), venue_onsite);
  EXPECT_EQ(redis_.command({"HLEN", vtag + "participant"}), venue_participants);
  // Still one badge hash per badge, now under pseudonyms, with their country and category.
  EXPECT_EQ(redis_.command({"SCARD", store::badges_key(kEvent)}), std::to_string(people_.size()));
  // The gateway rebuilt its index from the rewritten registry: the name finds no one.
  const auto after_lookup = lookup();
  EXPECT_EQ(after_lookup.status, 200) << after_lookup.body;
  EXPECT_EQ(after_lookup.body.find(sample.badge), std::string::npos) << after_lookup.body;
  EXPECT_EQ(after_lookup.body.find(sample.name), std::string::npos) << after_lookup.body;

  // Twice: a no-op that says so.
  EXPECT_EQ(run({"shred", "--event", kEvent, "--force"}, &output), 0) << output;
  EXPECT_NE(output.find("already shredded"), std::string::npos) << output;
  EXPECT_EQ(snapshot(redis_), dump);
  // Nobody is left to export or erase.
  EXPECT_EQ(run({"person", "export", "--event", kEvent, "--badge", sample.badge}, &output), 1);
  EXPECT_NE(output.find("shredded"), std::string::npos) << output;
}

TEST_F(Privacy, APersonsDataIsExportedThenErasedWithTheFiguresUnchanged) {
  run_event();
  const auto before = figures();
  verify_passes();

  // Generated choice: replaced badges (by old or new id, or by person id), people seen online
  // with their badge, a walk-in, an online participant without a badge, and others.
  std::vector<std::vector<std::string>> selectors;
  for (const auto& [old_id, new_id] : replaced_) {
    selectors.push_back(selectors.size() % 2 ? std::vector<std::string>{"--badge", new_id}
                                             : std::vector<std::string>{"--person", old_id});
  }
  for (const auto& [participant, badge] : participant_badge_) {
    if (selectors.size() >= 8) break;
    if (replaced_.contains(badge)) continue;
    bool replacement = false;
    for (const auto& [o, n] : replaced_) replacement = replacement || n == badge;
    if (!replacement) selectors.push_back({"--participant", participant});
  }
  for (const auto& p : participants_) {
    if (!participant_badge_.contains(p)) {
      selectors.push_back({"--participant", p});
      break;
    }
  }
  selectors.push_back({"--badge", people_[80].badge});  // a walk-in
  selectors.push_back({"--badge", people_[50].badge});

  std::set<std::string> erased_strings;
  std::set<std::string> erased_badges;
  for (const auto& selector : selectors) {
    SCOPED_TRACE(selector[0] + " " + selector[1]);
    // Who that is, independently of the tool: their badges, names, participant ids.
    std::set<std::string> badges, participants;
    if (selector[0] == "--participant") {
      participants.insert(selector[1]);
      if (participant_badge_.contains(selector[1])) badges.insert(participant_badge_[selector[1]]);
    } else {
      badges.insert(selector[1]);
    }
    for (const auto& [o, n] : replaced_) {
      if (badges.contains(o) || badges.contains(n)) badges.insert({o, n});
    }
    for (const auto& [p, b] : participant_badge_) {
      if (badges.contains(b)) participants.insert(p);
    }
    if (!badges.empty() && erased_badges.contains(*badges.begin())) continue;  // chosen twice
    std::set<std::string> strings(participants.begin(), participants.end());
    for (const auto& a : people_) {
      if (badges.contains(a.badge)) strings.insert({a.badge, a.name, a.organization});
    }
    // The log entries naming them, counted here from the stream.
    std::size_t entries = 0;
    {
      std::string url_error;
      const auto url = redis::Url::parse(redis_.url(), &url_error);
      rollcall::redis::SyncSession session(*url);
      for (const auto& entry : tools::exporting::log_entries(
               session.query({"XRANGE", store::log_key(kEvent), "-", "+"}))) {
        bool names = false;
        for (const auto& [field, value] : entry.fields) {
          if ((field == "badge_id" || field == "new_badge_id" || field == "person") &&
              badges.contains(value)) {
            names = true;
          }
          if (field == "participant_id" && participants.contains(value)) names = true;
          // A desk's note naming them, in anyone's check-in.
          for (const auto& a : people_) {
            if (field == "note" && badges.contains(a.badge) &&
                value.find(a.name) != std::string::npos) {
              names = true;
            }
          }
        }
        entries += names;
      }
    }
    EXPECT_GT(entries, 0u);

    std::string output;
    const auto out_path = redis_.data_dir() + "/person.json";
    ASSERT_EQ(
        run({"person", "export", "--event", kEvent, selector[0], selector[1], "--out", out_path},
            &output),
        0)
        << output;
    std::ifstream file(out_path);
    const std::string json((std::istreambuf_iterator<char>(file)), {});
    const auto doc = boost::json::parse(json).as_object();
    for (const auto& text : strings) EXPECT_NE(json.find(text), std::string::npos) << text;
    EXPECT_EQ(doc.at("badges").as_array().size(), badges.size());
    EXPECT_EQ(doc.at("participants").as_array().size(), participants.size());
    EXPECT_GT(doc.at("log").as_array().size(), 0u);
    if (selector[0] != "--participant" || participant_badge_.contains(selector[1])) {
      EXPECT_TRUE(doc.contains("attendance"));
    }
    EXPECT_EQ(doc.at("log").as_array().size(), entries);

    ASSERT_EQ(run({"person", "erase", "--event", kEvent, selector[0], selector[1]}, &output), 0)
        << output;
    EXPECT_NE(output.find("erased person"), std::string::npos) << output;
    EXPECT_EQ(count_of(output, "log entries rewritten"), doc.at("log").as_array().size()) << output;
    EXPECT_EQ(count_of(output, "names removed"), badges.size()) << output;
    erased_strings.insert(strings.begin(), strings.end());
    erased_badges.insert(badges.begin(), badges.end());

    // None of their strings anywhere; everyone else's still there.
    const auto dump = snapshot(redis_);
    EXPECT_EQ(found_in(dump, erased_strings), std::vector<std::string>{});
    std::set<std::string> others;
    for (const auto& a : people_) {
      if (!erased_badges.contains(a.badge)) others.insert(a.name);
    }
    EXPECT_EQ(found_in(dump, others).size(), others.size());
    verify_passes();
    const auto after = figures();
    for (const auto& [name, content] : before) EXPECT_EQ(after.at(name), content) << name;

    // Again: already erased, nothing changed; their export is refused the same way.
    EXPECT_EQ(run({"person", "erase", "--event", kEvent, selector[0], selector[1]}, &output), 0)
        << output;
    EXPECT_NE(output.find("already erased"), std::string::npos) << output;
    EXPECT_EQ(run({"person", "export", "--event", kEvent, selector[0], selector[1]}, &output), 1)
        << output;
    EXPECT_NE(output.find("already erased"), std::string::npos) << output;
    EXPECT_EQ(snapshot(redis_), dump);
  }
  EXPECT_GE(erased_badges.size(), 8u);

  // Unknown people: refused with the reason, nothing changed; bad usage.
  const auto dump = snapshot(redis_);
  std::string output;
  for (const auto& selector :
       std::vector<std::vector<std::string>>{{"--badge", "nobody-" + hex(rng_, 6)},
                                             {"--person", "nobody-" + hex(rng_, 6)},
                                             {"--participant", "nobody-" + hex(rng_, 6)}}) {
    EXPECT_EQ(run({"person", "erase", "--event", kEvent, selector[0], selector[1]}, &output), 1)
        << output;
    EXPECT_NE(output.find("no " + selector[0].substr(2) + " nobody-"), std::string::npos) << output;
    EXPECT_EQ(run({"person", "export", "--event", kEvent, selector[0], selector[1]}, &output), 1);
  }
  EXPECT_EQ(run({"person", "erase", "--event", kEvent}, &output), 2) << output;
  EXPECT_EQ(run({"person", "erase", "--event", kEvent, "--badge", "a", "--person", "b"}, &output),
            2);
  EXPECT_EQ(run({"person", "export", "--event", kEvent, "--badge", std::string(300, 'b')}, &output),
            2);
  EXPECT_EQ(snapshot(redis_), dump);
}

// Erasures while a desk keeps scanning other people: each erasure is one transaction with the
// log's swap (a scan in between restarts it), so no scan is lost, the recount still matches and
// the erased people are gone.
TEST_F(Privacy, ErasuresWhileDesksScanLoseNothing) {
  run_event();
  const auto log_before = std::stoul(redis_.command({"XLEN", store::log_key(kEvent)}));
  std::atomic<bool> stop{false};
  std::atomic<int> scans{0}, failures{0};
  std::thread desk_thread([&] {
    tools::client::DeskClient desk;
    desk.set_token(scanner_);
    desk.connect(gateway_->host(), gateway_->port(), kEvent);
    std::mt19937 rng(77);
    // People 40 to 79 keep scanning; people 3 to 9 are erased meanwhile.
    while (!stop) {
      v1::ScanRequest request;
      request.set_scan_id("live-" + std::to_string(scans.load()));
      request.set_badge_id(people_[40 + rng() % 40].badge);
      request.set_desk_id("gate-1");
      request.set_zone("hall");
      request.set_direction(rng() % 2 ? v1::in : v1::out);
      try {
        const auto result = desk.scan(request);
        if (result.status() == v1::unavailable || result.status() == v1::malformed) ++failures;
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
        return;
      }
      ++scans;
    }
  });
  std::set<std::string> erased;
  std::string output;
  for (int i = 3; i < 10; ++i) {
    if (replaced_.contains(people_[i].badge)) continue;
    const int code =
        run({"person", "erase", "--event", kEvent, "--badge", people_[i].badge}, &output);
    EXPECT_EQ(code, 0) << output;
    if (code != 0) break;
    std::cout << "[ erase ] " << output.substr(0, output.find('\n')) << '\n';
    erased.insert({people_[i].badge, people_[i].name, people_[i].organization});
  }
  while (scans < 200) std::this_thread::sleep_for(10ms);
  stop = true;
  desk_thread.join();
  EXPECT_EQ(failures, 0);
  // Every scan is in the log: none was lost in a swap.
  EXPECT_EQ(std::stoul(redis_.command({"XLEN", store::log_key(kEvent)})), log_before + scans);
  verify_passes();
  EXPECT_EQ(found_in(snapshot(redis_), erased), std::vector<std::string>{});
}

// An event whose last day is over shreds without --force; one still running does not.
TEST_F(Privacy, AnEndedEventShredsWithoutForce) {
  const std::string event = "past-2025";
  ASSERT_TRUE(support::import_registry(
      redis_, event,
      "badge_id,country,category,name,organization\nold-1,CH,un,Past Person,Past Org\n",
      {.file_name = "past.csv",
       .event_json =
           R"({"event_id":"past-2025","time_zone":"Pacific/Kiritimati","days":["2025-07-07"]})"}));
  std::string output;
  redis_.command({"FCALL", "rollcall_scan", "1", store::tag(event), "s1", "old-1", "gate-1", "hall",
                  "in", "1751860000000", "1751860000000", "2025-07-07", "2025-07-07T17:46", "0"});
  ASSERT_EQ(run({"shred", "--event", event}, &output), 0) << output;
  EXPECT_NE(output.find("names removed: 1"), std::string::npos) << output;
  const auto dump = snapshot(redis_);
  EXPECT_EQ(found_in(dump, {"old-1", "Past Person", "Past Org"}), std::vector<std::string>{});
  EXPECT_EQ(
      support::run_program(
          {ROLLCALL_EXPORT_BIN, "verify", "--event", event, "--redis", redis_.url()}, &output),
      0)
      << output;
  // The running event next to it is refused, whatever the other did.
  EXPECT_EQ(run({"shred", "--event", kEvent}, &output), 1) << output;
  EXPECT_EQ(run({"shred", "--event", "no-such-event"}, &output), 1) << output;
}

}  // namespace
}  // namespace rollcall::tests::integration

namespace rollcall::tests::integration {
namespace {

// A registry with person ids (docs/venues.md): the ids are personal too. An access request shows
// the person's link, an erasure and a shred replace the ids by pseudonyms and keep the countries.
TEST_F(Privacy, ExplicitPersonIdsAreExportedErasedAndShredded) {
  const std::string e = "linked-2026";
  std::string csv = "badge_id,country,category,name,organization,person_id\n";
  std::vector<std::string> persons;
  for (int i = 0; i < 12; ++i) {
    persons.push_back("psn-" + hex(rng_, 10));
    csv +=
        "lnk-" + hex(rng_, 8) + ",CH,minister,Nm" + hex(rng_, 6) + ",Org," + persons.back() + "\n";
  }
  ASSERT_TRUE(support::import_registry(redis_, e, csv, {.file_name = "linked.csv"}));
  std::string output;
  ASSERT_EQ(redis_.command({"HLEN", store::persons_key(e)}), "12");

  const std::string out_path = redis_.data_dir() + "/person.json";
  ASSERT_EQ(
      run({"person", "export", "--event", e, "--person", persons[0], "--out", out_path}, &output),
      0)
      << output;
  std::ifstream in(out_path);
  const std::string exported((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(exported.find("\"person_link\":{\"person\":\"" + persons[0] + "\",\"country\":\"CH\"}"),
            std::string::npos)
      << exported;

  ASSERT_EQ(run({"person", "erase", "--event", e, "--person", persons[0]}, &output), 0) << output;
  EXPECT_EQ(redis_.command({"HEXISTS", store::persons_key(e), persons[0]}), "0");
  EXPECT_EQ(redis_.command({"HEXISTS", store::persons_key(e), persons[1]}), "1");
  EXPECT_EQ(redis_.command({"HLEN", store::persons_key(e)}), "12");

  ASSERT_EQ(run({"shred", "--event", e, "--force"}, &output), 0) << output;
  const auto dump = snapshot(redis_);
  EXPECT_EQ(found_in(dump, std::set<std::string>(persons.begin(), persons.end())),
            std::vector<std::string>{});
  EXPECT_EQ(redis_.command({"HLEN", store::persons_key(e)}), "12");
  const auto links = redis_.command({"HVALS", store::persons_key(e)});
  EXPECT_EQ(links, "CH\nCH\nCH\nCH\nCH\nCH\nCH\nCH\nCH\nCH\nCH\nCH");
}

}  // namespace
}  // namespace rollcall::tests::integration
