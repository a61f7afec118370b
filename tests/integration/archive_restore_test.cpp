// The event archive end to end (issue 15, item 6): a real gateway on Redis A takes every kind of
// scan, check-in, registration and online presence; every export is made (rollcall-export and
// the gateway's routes); rollcall-admin archives the event, restores it into a fresh Redis B, and
// the same exports made there are equal byte for byte; the recount passes on B. Damaged archives
// are refused and write nothing.
#include <gtest/gtest.h>

#include <google/protobuf/util/message_differencer.h>
#include <google/protobuf/util/time_util.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "rollcall/v1/registration.pb.h"
#include "services/archive/archive_format.h"
#include "services/store/keys.h"
#include "services/wire/codec.h"
#include "tests/integration/online_support.h"
#include "tests/support/gateway_process.h"
#include "tests/support/redis_server.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/tokens.h"
#include "tools/client/desk_client.h"
#include "tools/client/http_get.h"

namespace rollcall::tests::integration {
namespace {

using support::GatewayProcess;
using support::RedisServer;
using tools::client::DeskClient;
namespace store = services::store;
namespace fs = std::filesystem;
using google::protobuf::util::TimeUtil;

constexpr const char* kEvent = "arch-2026";
constexpr const char* kEventJson =
    R"({"event_id":"arch-2026","name":"Archive test","time_zone":"Europe/Zurich",)"
    R"("zones":["hall","plenary"]})";
constexpr const char* kRegistry =
    "badge_id,country,category,name,organization\n"
    "M1,ZA,minister,Solly Malatsi,Government of South Africa\n"
    "M2,CH,minister,Anna Meier,Swiss Confederation\n"
    "R1,EG,regulator,نورة الشامسي,NTRA\n"
    "U1,,un,李伟,ITU\n"
    "U2,FR,un,Élodie Durand,UNESCO\n";

struct Ran {
  int code = 0;
  std::string output;
};

Ran run(const std::vector<std::string>& argv) {
  Ran r;
  r.code = support::run_program(argv, &r.output);
  return r;
}

// Every export an organizer can make, by name: rollcall-export's files and the gateway's routes.
using Exports = std::map<std::string, std::string>;

class ArchiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = a_.data_dir() + "/work";
    fs::create_directories(dir_);
    ASSERT_TRUE(support::import_registry(a_, kEvent, kRegistry, {.event_json = kEventJson}));
  }

  std::string post(GatewayProcess& gateway, const std::string& path, const std::string& body,
                   const std::string& token, int expect) {
    const auto response = tools::client::http_post(
        gateway.host(), gateway.port(), std::string("/v1/events/") + kEvent + path, body,
        tools::client::bearer(token), std::chrono::seconds(10));
    EXPECT_EQ(response.status, expect) << path << " " << response.body;
    return response.body;
  }

  v1::ScanResult scan(DeskClient& desk, const std::string& scan_id, const std::string& badge,
                      const std::string& zone, v1::Direction direction,
                      std::chrono::milliseconds age = {}) {
    v1::ScanRequest request;
    request.set_scan_id(scan_id);
    request.set_badge_id(badge);
    request.set_desk_id("door-1");
    request.set_zone(zone);
    request.set_direction(direction);
    if (age.count() > 0) {
      const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now().time_since_epoch());
      *request.mutable_device_time() = TimeUtil::MillisecondsToTimestamp((now - age).count());
    }
    return desk.scan(request);
  }

  // Scans of every outcome, a check-in by hand, a walk-in, a badge replacement and online joins
  // and leaves, through a real gateway on Redis A.
  void drive_event(GatewayProcess& gateway) {
    const auto door = support::issue_desk_token(a_, kEvent, "door-1");
    v1::TokenRecord registration;
    registration.set_role(v1::desk);
    registration.set_desk_id("reg-1");
    registration.add_scopes(v1::registration);
    const auto reg = support::issue_token(a_, kEvent, registration);

    DeskClient desk;
    desk.set_token(door);
    desk.connect(gateway.host(), gateway.port(), kEvent);
    EXPECT_EQ(scan(desk, "s1", "M1", "hall", v1::in).status(), v1::accepted);
    EXPECT_EQ(scan(desk, "s2", "M1", "plenary", v1::in).status(), v1::reentry);
    EXPECT_EQ(scan(desk, "s3", "M1", "plenary", v1::out).status(), v1::exit);
    EXPECT_EQ(scan(desk, "s4", "M1", "hall", v1::in).status(), v1::reentry);
    EXPECT_EQ(scan(desk, "s5", "M2", "hall", v1::in).status(), v1::accepted);
    EXPECT_EQ(scan(desk, "s6", "M2", "hall", v1::in).status(), v1::already_inside);
    EXPECT_EQ(scan(desk, "s7", "X9", "hall", v1::in).status(), v1::unknown_badge);
    EXPECT_EQ(scan(desk, "s8", "R1", "roof", v1::in).status(), v1::not_allowed);
    EXPECT_EQ(scan(desk, "s9", "U2", "hall", v1::out).status(), v1::not_inside);
    const auto replay = scan(desk, "s1", "M1", "hall", v1::in);
    EXPECT_EQ(replay.status(), v1::accepted);
    EXPECT_TRUE(replay.replay());
    const auto late = scan(desk, "s10", "U1", "hall", v1::in, std::chrono::minutes(3));
    EXPECT_EQ(late.status(), v1::accepted);
    EXPECT_TRUE(late.late());

    // By hand, at the registration desk: a forgotten badge, a walk-in, a lost badge.
    v1::ManualCheckin checkin;
    checkin.set_checkin_id("c1");
    checkin.set_badge_id("R1");
    checkin.set_zone("hall");
    checkin.set_direction(v1::in);
    checkin.set_reason(v1::badge_forgotten);
    post(gateway, "/checkins", services::wire::encode(checkin, services::wire::Encoding::json), reg,
         200);
    const auto walk_in =
        post(gateway, "/badges",
             R"({"request_id":"w1","badge":{"badge_id":"PRESS-1","country":"ke",)"
             R"("category":"media","name":"Wanjiru Kamau","organization":"Nation"}})",
             reg, 201);
    EXPECT_NE(walk_in.find("PRESS-1"), std::string::npos) << walk_in;
    EXPECT_EQ(scan(desk, "s11", "PRESS-1", "hall", v1::in).status(), v1::accepted);
    const auto replaced =
        post(gateway, "/badges/M2/replacement",
             R"({"request_id":"r1","new_badge_id":"M2-B","reason":"lost"})", reg, 201);
    EXPECT_NE(replaced.find("M2-B"), std::string::npos) << replaced;
    EXPECT_EQ(scan(desk, "s12", "M2", "hall", v1::out).status(), v1::revoked);
    EXPECT_EQ(scan(desk, "s13", "M2-B", "hall", v1::out).status(), v1::exit);

    // Online: a hybrid participant (M1's badge), two remote ones; one leaves, a join replayed;
    // then everyone leaves, as at the end of the last session.
    online_tokens().platform = support::issue_token(a_, kEvent, v1::platform);
    OnlineClient bridge;
    bridge.connect(gateway.host(), gateway.port(), kEvent, Encoding::binary, "zoom-1");
    const auto batch = [](std::vector<v1::PresenceEvent> items) {
      v1::PresenceBatch b;
      for (auto& item : items) *b.add_events() = std::move(item);
      return b;
    };
    bridge.apply(batch({join_item("j1", "p1", "", "M1"), join_item("j2", "p2", "FR"),
                        join_item("j3", "p3", "BR")}));
    bridge.apply(batch({leave_item("l2", "p2"), join_item("j1", "p1", "", "M1")}));
    bridge.apply(batch({leave_item("l1", "p1"), leave_item("l3", "p3")}));
    bridge.close();
  }

  // rollcall-export, every table in every format, and the gateway's export routes.
  Exports exports(const RedisServer& redis, GatewayProcess& gateway, const std::string& organizer,
                  const std::string& tag) {
    Exports out;
    std::vector<std::vector<std::string>> cli;
    for (const auto* table : {"attendees", "scans", "countries", "categories", "summary"}) {
      for (const auto* format : {"csv", "json", "jsonl", "xlsx"}) cli.push_back({table, format});
    }
    cli.push_back({"all", "xlsx"});
    for (const auto* format : {"md", "html", "txt"}) {
      for (const auto* lang : {"en", "fr", "ar"}) cli.push_back({"summary", format, lang});
    }
    cli.push_back({"countries", "csv", "en", "3"});
    for (const auto& c : cli) {
      std::string name = c[0] + "." + c[1];
      const auto file = dir_ + "/" + tag + "-" + name + (c.size() > 2 ? "-" + c[2] : "") +
                        (c.size() > 3 ? "-s" + c[3] : "");
      std::vector<std::string> argv = {ROLLCALL_EXPORT_BIN, c[0],       "--event", kEvent,
                                       "--format",          c[1],       "--out",   file,
                                       "--redis",           redis.url()};
      if (c.size() > 2) argv.insert(argv.end(), {"--lang", c[2]});
      if (c.size() > 3) argv.insert(argv.end(), {"--suppress-below", c[3]});
      const auto done = run(argv);
      EXPECT_EQ(done.code, 0) << name << ": " << done.output;
      out["rollcall-export " + fs::path(file).filename().string().substr(tag.size() + 1)] =
          support::read_file(file);
    }
    std::vector<std::string> routes;
    for (const auto* table : {"attendees", "scans", "countries", "categories", "summary"}) {
      for (const auto* format : {"csv", "json", "jsonl", "xlsx"}) {
        routes.push_back(std::string(table) + "." + format);
      }
    }
    routes.push_back("all.xlsx");
    for (const auto* report : {"summary.md?lang=ar", "summary.html?lang=fr", "summary.txt"}) {
      routes.push_back(report);
    }
    routes.push_back("countries.csv?suppress_below=3");
    for (auto route : routes) {
      route = std::string("/v1/events/") + kEvent + "/exports/" + route;
      tools::client::HttpResponse response;
      try {
        response =
            tools::client::http_get(gateway.host(), gateway.port(), route,
                                    tools::client::bearer(organizer), std::chrono::seconds(20));
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what() << "\n" << gateway.log();
        continue;
      }
      EXPECT_EQ(response.status, 200) << route << ": " << response.body.substr(0, 300);
      out["GET " + route] = response.content_type + "\n" + response.body;
    }
    const auto rejected = std::string("/v1/events/") + kEvent + "/scans/rejected";
    const auto response =
        tools::client::http_get(gateway.host(), gateway.port(), rejected,
                                tools::client::bearer(organizer), std::chrono::seconds(20));
    EXPECT_EQ(response.status, 200) << response.body;
    out["GET " + rejected] = response.content_type + "\n" + response.body;
    return out;
  }

  void verify(const RedisServer& redis) {
    const auto done =
        run({ROLLCALL_EXPORT_BIN, "verify", "--event", kEvent, "--redis", redis.url()});
    EXPECT_EQ(done.code, 0) << done.output;
    EXPECT_NE(done.output.find(" 0 differences"), std::string::npos) << done.output;
  }

  Ran admin(std::vector<std::string> args) {
    args.insert(args.begin(), ROLLCALL_ADMIN_BIN);
    return run(args);
  }

  // Everything in a Redis, key by key (type and content), for "nothing was written".
  static std::string footprint(const RedisServer& redis) {
    std::string all = redis.command({"DBSIZE"}) + "\n";
    const auto keys = redis.command({"KEYS", "*"});
    std::istringstream lines(keys);
    std::vector<std::string> names;
    for (std::string line; std::getline(lines, line);) names.push_back(line);
    std::sort(names.begin(), names.end());
    for (const auto& key : names) {
      const auto type = redis.command({"TYPE", key});
      all += key + " " + type + " ";
      if (type == "string") all += redis.command({"GET", key});
      if (type == "hash") all += redis.command({"HLEN", key});
      if (type == "set") all += redis.command({"SCARD", key});
      if (type == "stream") all += redis.command({"XLEN", key});
      if (type == "zset") all += redis.command({"ZCARD", key});
      all += "\n";
    }
    return all;
  }

  RedisServer a_, b_;
  std::string dir_;
};

TEST_F(ArchiveTest, ARestoredEventGivesEveryExportByteForByteAndPassesTheRecount) {
  const auto organizer_a = support::issue_token(a_, kEvent, v1::organizer);
  {
    GatewayProcess gateway(a_.url());
    drive_event(gateway);
    gateway.stop();  // the event is over: the gateway hands back its presence leases
  }
  ASSERT_EQ(a_.command({"HGET", store::counters_key(kEvent), "online"}), "0");
  ASSERT_EQ(a_.command({"HGET", store::counters_key(kEvent), "hybrid"}), "1");
  ASSERT_EQ(a_.command({"HGET", store::counters_key(kEvent), "badges_replaced"}), "1");
  GatewayProcess gateway_a(a_.url());
  const auto before = exports(a_, gateway_a, organizer_a, "a");
  verify(a_);

  a_.command({"HSET", store::secrets_key(kEvent), "zoom", "zoom-secret-not-archived"});
  const auto file = dir_ + "/arch.rca";
  const auto created =
      admin({"archive", "create", "--event", kEvent, "--out", file, "--redis", a_.url()});
  ASSERT_EQ(created.code, 0) << created.output;
  EXPECT_NE(created.output.find("sha256 "), std::string::npos) << created.output;
  // Archived after the event, with people still inside: the archive says it was live.
  EXPECT_NE(created.output.find("is live"), std::string::npos) << created.output;
  const auto again = admin({"archive", "create", "--event", kEvent, "--out", file});
  EXPECT_EQ(again.code, 1);
  EXPECT_NE(again.output.find("already exists"), std::string::npos) << again.output;
  const auto bytes = support::read_file(file);
  // Tokens and secrets never leave Redis in an archive.
  EXPECT_EQ(bytes.find("zoom-secret-not-archived"), std::string::npos);
  EXPECT_EQ(bytes.find(organizer_a), std::string::npos);
  EXPECT_EQ(bytes.find("\"role\""), std::string::npos);

  const auto restored = admin({"archive", "restore", file, "--redis", b_.url()});
  ASSERT_EQ(restored.code, 0) << restored.output;
  EXPECT_EQ(b_.command({"SISMEMBER", std::string(store::kEventsKey), kEvent}), "1");
  EXPECT_EQ(b_.command({"EXISTS", store::tokens_key(kEvent)}), "0");
  EXPECT_EQ(b_.command({"KEYS", "*restore:*"}), "");
  // The registry version moves, so gateways holding an attendee index rebuild it.
  EXPECT_EQ(std::stoll(b_.command({"GET", store::registry_version_key(kEvent)})),
            std::stoll(a_.command({"GET", store::registry_version_key(kEvent)})) + 1);
  for (const auto& key : {store::log_key(kEvent), std::string("{arch-2026}:seq")}) {
    EXPECT_EQ(b_.command({"TYPE", key}), a_.command({"TYPE", key}));
  }
  EXPECT_EQ(b_.command({"XRANGE", store::log_key(kEvent), "-", "+"}),
            a_.command({"XRANGE", store::log_key(kEvent), "-", "+"}));

  const auto organizer_b = support::issue_token(b_, kEvent, v1::organizer);
  {
    GatewayProcess gateway_b(b_.url());
    const auto after = exports(b_, gateway_b, organizer_b, "b");
    ASSERT_EQ(after.size(), before.size());
    EXPECT_GE(after.size(), 40u);
    for (const auto& [name, content] : before) {
      ASSERT_TRUE(after.contains(name)) << name;
      EXPECT_GT(content.size(), 20u) << name;
      EXPECT_TRUE(after.at(name) == content) << name << " differs after the restore:\n"
                                             << content.substr(0, 600) << "\n---\n"
                                             << after.at(name).substr(0, 600);
    }
    verify(b_);

    // A second restore: refused while the event exists, and then replaced on request.
    const auto held = footprint(b_);
    const auto refused = admin({"archive", "restore", file, "--redis", b_.url()});
    EXPECT_EQ(refused.code, 1);
    EXPECT_NE(refused.output.find("already exists"), std::string::npos) << refused.output;
    EXPECT_EQ(footprint(b_), held);
    // A stray key of the old event goes; its organizer token stays.
    b_.command({"HSET", std::string("{arch-2026}:state:ghost"), "zone", "hall"});
    const auto replaced = admin({"archive", "restore", file, "--replace", "--redis", b_.url()});
    ASSERT_EQ(replaced.code, 0) << replaced.output;
    EXPECT_NE(replaced.output.find("1 keys of the old event removed"), std::string::npos)
        << replaced.output;
    EXPECT_EQ(b_.command({"EXISTS", "{arch-2026}:state:ghost"}), "0");
    const auto replaced_exports = exports(b_, gateway_b, organizer_b, "c");
    for (const auto& [name, content] : before) {
      EXPECT_TRUE(replaced_exports.at(name) == content) << name << " differs after --replace";
    }
    verify(b_);
    EXPECT_TRUE(gateway_b.alive()) << gateway_b.log();
  }

  // The archive of the rebuilt event holds the same keys as the original's (registry_version
  // aside, which the restore raised).
  const auto file_b = dir_ + "/arch-b.rca";
  ASSERT_EQ(
      admin({"archive", "create", "--event", kEvent, "--out", file_b, "--redis", b_.url()}).code,
      0);
  std::string why;
  const auto original = services::archive::decode_archive(bytes, &why);
  ASSERT_TRUE(original) << why;
  const auto rebuilt = services::archive::decode_archive(support::read_file(file_b), &why);
  ASSERT_TRUE(rebuilt) << why;
  ASSERT_EQ(original->keys.size(), rebuilt->keys.size());
  for (std::size_t i = 0; i < original->keys.size(); ++i) {
    if (original->keys[i].name() == "registry_version") continue;
    EXPECT_TRUE(
        google::protobuf::util::MessageDifferencer::Equals(original->keys[i], rebuilt->keys[i]))
        << original->keys[i].name();
  }
  EXPECT_TRUE(gateway_a.alive()) << gateway_a.log();
}

// Archived while a desk keeps scanning. Flat out (hundreds of scans a second), the event never
// holds still for a whole read: each create either makes an archive or says so and leaves no
// file. At a door's pace (a scan every 100 ms), creates succeed, and each archive is one
// consistent state: a Redis rebuilt from it passes the recount.
TEST_F(ArchiveTest, AnArchiveOfALiveEventIsOneConsistentStateOrNone) {
  GatewayProcess gateway(a_.url(), {"--messages-per-second", "100000"});
  const auto token = support::issue_desk_token(a_, kEvent, "door-1");
  std::atomic<bool> stop{false}, failed{false};
  std::atomic<int> scanned{0}, pause_ms{0};
  std::string failure;
  std::thread desk_thread([&] {
    try {
      DeskClient desk;
      desk.set_token(token);
      desk.connect(gateway.host(), gateway.port(), kEvent);
      const std::vector<std::string> badges = {"M1", "M2", "R1", "U1", "U2", "X0"};
      for (int i = 0; !stop; ++i) {
        const auto& badge = badges[i % badges.size()];
        scan(desk, "live-" + std::to_string(i), badge, i % 3 ? "hall" : "plenary",
             (i / badges.size()) % 2 ? v1::out : v1::in);
        ++scanned;
        std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms.load()));
      }
    } catch (const std::exception& e) {
      failure = e.what();
      failed = true;
    }
  });
  while (scanned < 50 && !failed) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  int archived = 0, refused = 0;
  std::string last_refusal;
  const auto archive_round = [&](const std::string& name, bool flat_out) {
    const auto file = dir_ + "/" + name + ".rca";
    const int before = scanned;
    const auto created =
        admin({"archive", "create", "--event", kEvent, "--out", file, "--redis", a_.url()});
    if (flat_out) EXPECT_GT(scanned.load(), before) << "the desk stopped scanning";
    if (created.code != 0) {
      EXPECT_NE(created.output.find("kept changing while it was read"), std::string::npos)
          << created.output;
      EXPECT_FALSE(fs::exists(file));
      EXPECT_FALSE(fs::exists(file + ".part"));
      ++refused;
      last_refusal = created.output;
      return;
    }
    ++archived;
    RedisServer fresh;
    const auto restored = admin({"archive", "restore", file, "--redis", fresh.url()});
    ASSERT_EQ(restored.code, 0) << restored.output;
    verify(fresh);
  };
  for (int round = 0; round < 3; ++round) archive_round("flat-out-" + std::to_string(round), true);
  pause_ms = 100;
  for (int round = 0; round < 3; ++round) archive_round("paced-" + std::to_string(round), false);
  stop = true;
  desk_thread.join();
  EXPECT_FALSE(failed) << failure;
  EXPECT_GE(archived, 2) << refused << " refused, the last: " << last_refusal;
  EXPECT_TRUE(gateway.alive()) << gateway.log();
}

TEST_F(ArchiveTest, DamagedArchivesAreRefusedNamingWhatFailedAndWriteNothing) {
  {
    GatewayProcess gateway(a_.url());
    DeskClient desk;
    desk.set_token(support::issue_desk_token(a_, kEvent, "door-1"));
    desk.connect(gateway.host(), gateway.port(), kEvent);
    for (int i = 0; i < 30; ++i) {
      scan(desk, "s" + std::to_string(i), i % 2 ? "M1" : "U2", "hall",
           i % 4 < 2 ? v1::in : v1::out);
    }
  }
  const auto file = dir_ + "/arch.rca";
  ASSERT_EQ(
      admin({"archive", "create", "--event", kEvent, "--out", file, "--redis", a_.url()}).code, 0);
  const auto good = support::read_file(file);
  ASSERT_GT(good.size(), 200u);
  RedisServer c;
  c.command({"SET", "unrelated", "1"});
  const auto empty = footprint(c);

  struct Variant {
    std::string name, bytes, expect;
  };
  std::vector<Variant> variants;
  // One byte changed at spread positions of the records, of the trailer, of the checksum.
  for (std::size_t at = services::archive::kPrefixSize; at < good.size() - 48;
       at += good.size() / 23) {
    auto bad = good;
    bad[at] = static_cast<char>(bad[at] ^ 0x04);
    variants.push_back({"byte " + std::to_string(at), bad, "checksum mismatch"});
  }
  auto last = good;
  last.back() = static_cast<char>(last.back() ^ 0x80);
  variants.push_back({"checksum byte", last, "checksum mismatch"});
  for (const std::size_t cut : {std::size_t{0}, std::size_t{10}, std::size_t{20}, good.size() / 2,
                                good.size() - 33, good.size() - 1}) {
    variants.push_back({"cut at " + std::to_string(cut), good.substr(0, cut), "truncated"});
  }
  auto version = good;
  version[19] = 2;
  variants.push_back({"version 2", version, "format version 2"});
  variants.push_back({"not an archive", "badge_id,country\nM1,CH\n", "not a rollcall archive"});

  for (const auto& v : variants) {
    const auto path = dir_ + "/bad.rca";
    std::ofstream(path, std::ios::binary | std::ios::trunc) << v.bytes;
    const auto refused = admin({"archive", "restore", path, "--redis", c.url()});
    EXPECT_EQ(refused.code, 1) << v.name << ": " << refused.output;
    EXPECT_NE(refused.output.find(v.expect), std::string::npos) << v.name << ": " << refused.output;
    EXPECT_NE(refused.output.find("nothing was written"), std::string::npos) << refused.output;
    EXPECT_LT(refused.output.size(), 600u) << v.name;
    EXPECT_EQ(footprint(c), empty) << v.name;
  }
  // The same tampered file against an existing event, even with --replace: A is untouched.
  const auto held = footprint(a_);
  auto bad = good;
  bad[good.size() / 2] = static_cast<char>(bad[good.size() / 2] ^ 0x01);
  std::ofstream(dir_ + "/bad.rca", std::ios::binary | std::ios::trunc) << bad;
  const auto refused =
      admin({"archive", "restore", dir_ + "/bad.rca", "--replace", "--redis", a_.url()});
  EXPECT_EQ(refused.code, 1) << refused.output;
  EXPECT_EQ(footprint(a_), held);
  // And the good file restores into C beside what it holds.
  const auto restored = admin({"archive", "restore", file, "--redis", c.url()});
  EXPECT_EQ(restored.code, 0) << restored.output;
  EXPECT_EQ(c.command({"GET", "unrelated"}), "1");
  EXPECT_EQ(c.command({"XLEN", store::log_key(kEvent)}),
            a_.command({"XLEN", store::log_key(kEvent)}));
}

// Bad usage exits 2 with the reason, failures exit 1; none of them writes a file or a key.
TEST_F(ArchiveTest, BadUsageAndMissingEventsAreRefused) {
  const auto held = footprint(a_);
  const auto out = dir_ + "/x.rca";
  const std::vector<std::pair<std::vector<std::string>, std::string>> usage = {
      {{"archive"}, "say what to do with archive"},
      {{"archive", "bogus"}, "unknown action \"bogus\""},
      {{"archive", "create", "--out", out}, "--event is required"},
      {{"archive", "create", "--event", "Not Valid", "--out", out}, "not a valid event id"},
      {{"archive", "create", "--event", kEvent}, "--out is required"},
      {{"archive", "create", "--event", kEvent, "--out", out, "--redis", "http://x"}, "--redis"},
      {{"archive", "restore"}, "say which archive FILE"},
      {{"archive", "restore", out, "--redis", "nonsense"}, "--redis"},
  };
  for (const auto& [args, expect] : usage) {
    auto argv = args;
    if (argv.size() > 2 && argv[1] == "create" &&
        std::find(argv.begin(), argv.end(), "--redis") == argv.end()) {
      argv.insert(argv.end(), {"--redis", a_.url()});
    }
    const auto ran = admin(argv);
    EXPECT_EQ(ran.code, 2) << ran.output;
    EXPECT_NE(ran.output.find(expect), std::string::npos) << expect << ": " << ran.output;
  }
  const auto missing =
      admin({"archive", "create", "--event", "nope", "--out", out, "--redis", a_.url()});
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.output.find("does not exist"), std::string::npos) << missing.output;
  const auto unreadable = admin({"archive", "restore", dir_ + "/none.rca", "--redis", a_.url()});
  EXPECT_EQ(unreadable.code, 1);
  EXPECT_NE(unreadable.output.find("cannot read"), std::string::npos) << unreadable.output;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_EQ(footprint(a_), held);
}

}  // namespace
}  // namespace rollcall::tests::integration
