// Runs the built rollcall-admin against a private redis-server and reads back what it stored the
// way the gateway does: token_hash(token) as the field, protobuf JSON records, services/badges.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "rollcall/v1/auth.pb.h"
#include "services/auth/access.h"
#include "services/auth/ticket.h"
#include "services/auth/token.h"
#include "services/auth/token_check.h"
#include "services/badges/badge_code.h"
#include "services/badges/key_file.h"
#include "services/store/keys.h"
#include "services/wire/codec.h"
#include "tests/support/gateway_process.h"
#include "tests/support/redis_server.h"

namespace rollcall::tools::admin {
namespace {

namespace fs = std::filesystem;
namespace badges = services::badges;
namespace store = services::store;
using google::protobuf::util::TimeUtil;
using tests::support::RedisServer;
using tests::support::run_program;
using namespace std::chrono_literals;

#define EXPECT_CONTAINS(text, part) \
  EXPECT_NE((text).find(part), std::string::npos) << "looking for: " << (part) << "\nin: " << (text)

constexpr const char* kEvent = "wsis20-2025";

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

template <typename Message>
Message parse_json(const std::string& json) {
  Message message;
  std::string error;
  EXPECT_TRUE(services::wire::decode(json, services::wire::Encoding::json, &message, &error))
      << error << "\n"
      << json;
  return message;
}

class AdminCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("rollcall-admin-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    // What rollcall-import leaves; rollcall-admin only asks whether the event exists.
    redis_.command({"HSET", store::event_key(kEvent), "config", "{}"});
  }
  void TearDown() override { fs::remove_all(dir_); }

  // stdout and stderr together.
  int run(std::vector<std::string> args, std::string* output) {
    args.insert(args.begin(), ROLLCALL_ADMIN_BIN);
    return run_program(args, output);
  }
  // stdout and stderr apart, to check what a script reading stdout gets.
  int run_split(std::vector<std::string> args, std::string* out, std::string* err) {
    const auto err_path = (dir_ / "stderr.txt").string();
    std::vector<std::string> argv = {"/bin/sh", "-c",     "f=$1; shift; exec \"$@\" 2>\"$f\"",
                                     "sh",      err_path, ROLLCALL_ADMIN_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    const int code = run_program(argv, out);
    *err = slurp(err_path);
    return code;
  }
  std::vector<std::string> on_event(std::vector<std::string> args,
                                    const std::string& event = kEvent) {
    args.insert(args.end(), {"--event", event, "--redis", redis_.url()});
    return args;
  }
  // Issues a token; returns it (stdout without the newline).
  std::string issue(std::vector<std::string> more) {
    std::vector<std::string> args = {"token", "issue"};
    args.insert(args.end(), more.begin(), more.end());
    std::string out, err;
    EXPECT_EQ(run_split(on_event(args), &out, &err), 0) << out << err;
    EXPECT_FALSE(out.empty());
    if (!out.empty()) out.pop_back();
    return out;
  }
  std::optional<v1::TokenRecord> stored_token(const std::string& token) {
    const auto json =
        redis_.command({"HGET", store::tokens_key(kEvent), services::auth::token_hash(token)});
    if (json.empty()) return std::nullopt;
    return parse_json<v1::TokenRecord>(json);
  }
  badges::KeyLookup stored_keys() {
    return [this](std::string_view id) -> std::optional<v1::BadgeKey> {
      const auto json = redis_.command({"HGET", store::badge_keys_key(kEvent), std::string(id)});
      if (json.empty()) return std::nullopt;
      return parse_json<v1::BadgeKey>(json);
    };
  }
  std::string new_key(const fs::path& path) {
    std::string out, err;
    EXPECT_EQ(run_split(on_event({"badge-key", "new", "--secret-file", path.string()}), &out, &err),
              0)
        << out << err;
    if (!out.empty()) out.pop_back();
    return out;
  }

  RedisServer redis_;
  fs::path dir_;
};

TEST_F(AdminCliTest, IssuePrintsOnlyTheTokenAndStoresItHashedAsTheGatewayReadsIt) {
  const auto before = std::chrono::system_clock::now();
  std::string out, err;
  ASSERT_EQ(run_split(on_event({"token", "issue", "--role", "desk", "--name", "Desk 4, hall A",
                                "--expires-in", "12h"}),
                      &out, &err),
            0)
      << out << err;
  const auto after = std::chrono::system_clock::now();
  ASSERT_TRUE(std::regex_match(out, std::regex("rc_[A-Za-z0-9_-]{43}\n"))) << out;
  const auto token = out.substr(0, out.size() - 1);
  EXPECT_CONTAINS(err, "issued desk token ");
  EXPECT_EQ(err.find(token), std::string::npos) << "the token goes to stdout only";

  const auto hash = services::auth::token_hash(token);
  EXPECT_EQ(redis_.command({"HLEN", store::tokens_key(kEvent)}), "1");
  const auto record = stored_token(token);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->id(), services::auth::token_id(hash));
  EXPECT_EQ(record->role(), v1::desk);
  EXPECT_EQ(record->name(), "Desk 4, hall A");
  EXPECT_FALSE(record->has_revoked_at());
  const auto issued =
      std::chrono::system_clock::time_point(std::chrono::seconds(record->issued_at().seconds()));
  EXPECT_GE(issued, std::chrono::floor<std::chrono::seconds>(before));
  EXPECT_LE(issued, after);
  EXPECT_EQ(record->expires_at().seconds() - record->issued_at().seconds(), 12 * 3600);
  EXPECT_EQ(services::auth::check_token(&*record, issued + 11h), services::auth::TokenVerdict::ok);
  EXPECT_EQ(services::auth::check_token(&*record, issued + 12h),
            services::auth::TokenVerdict::expired);
  // Only the hash is kept.
  const auto everything = redis_.command({"HGETALL", store::tokens_key(kEvent)});
  EXPECT_EQ(everything.find(token.substr(3)), std::string::npos);
}

TEST_F(AdminCliTest, IssueTakesAnExactExpiryOrNone) {
  const auto at = issue(
      {"--role", "display", "--name", "Wall, foyer", "--expires-at", "2099-07-11T22:00:00+02:00"});
  auto record = stored_token(at);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->role(), v1::display);
  EXPECT_EQ(TimeUtil::ToString(record->expires_at()), "2099-07-11T20:00:00Z");

  const auto never = issue({"--role", "organizer", "--name", "Secrétariat 事務局"});
  record = stored_token(never);
  ASSERT_TRUE(record);
  EXPECT_FALSE(record->has_expires_at());
  EXPECT_EQ(record->name(), "Secrétariat 事務局");
  EXPECT_NE(at, never);
}

TEST_F(AdminCliTest, ListAndRevokeRoundTrip) {
  const auto desk = issue({"--role", "desk", "--name", "Desk 1", "--expires-in", "5d"});
  const auto platform = issue({"--role", "platform", "--name", "Zoom bridge"});
  // A token that expired yesterday, written as the CLI writes them.
  v1::TokenRecord old;
  old.set_id("0123456789ab");
  old.set_role(v1::display);
  old.set_name("Old wall");
  *old.mutable_issued_at() = TimeUtil::SecondsToTimestamp(1'700'000'000);
  *old.mutable_expires_at() = TimeUtil::SecondsToTimestamp(1'700'086'400);
  redis_.command({"HSET", store::tokens_key(kEvent), std::string(64, 'f'),
                  services::wire::encode(old, services::wire::Encoding::json)});

  const auto desk_id = stored_token(desk)->id();
  std::string out, err;
  ASSERT_EQ(run_split(on_event({"token", "list"}), &out, &err), 0) << out << err;
  std::istringstream lines(out);
  std::string header, first, second, third, extra;
  std::getline(lines, header);
  std::getline(lines, first);
  std::getline(lines, second);
  std::getline(lines, third);
  EXPECT_FALSE(std::getline(lines, extra)) << out;
  EXPECT_TRUE(std::regex_match(header, std::regex("ID +ROLE +DESK +NAME +ISSUED +EXPIRES +STATE")))
      << out;
  // Oldest first: the expired one, then the two just issued.
  EXPECT_TRUE(std::regex_match(
      first, std::regex("0123456789ab +display +- +Old wall +2023-11-14T22:13:20Z +"
                        "2023-11-15T22:13:20Z +expired")))
      << out;
  const auto desk_line = first.find(desk_id) == 0    ? first
                         : second.find(desk_id) == 0 ? second
                                                     : third;
  EXPECT_TRUE(std::regex_match(
      desk_line, std::regex(desk_id + " +desk +" + desk_id + " +Desk 1 +\\S+Z +\\S+Z +active")))
      << out;
  EXPECT_CONTAINS(out, "Zoom bridge");
  EXPECT_CONTAINS(err, "3 tokens in wsis20-2025");

  ASSERT_EQ(run_split(on_event({"token", "revoke", "--id", desk_id}), &out, &err), 0) << err;
  EXPECT_EQ(out, "");
  EXPECT_CONTAINS(err, "revoked desk token " + desk_id);
  const auto record = stored_token(desk);
  ASSERT_TRUE(record->has_revoked_at());
  EXPECT_EQ(services::auth::check_token(&*record, std::chrono::system_clock::now()),
            services::auth::TokenVerdict::revoked);
  EXPECT_EQ(stored_token(platform)->has_revoked_at(), false);
  ASSERT_EQ(run(on_event({"token", "list"}), &out), 0);
  EXPECT_TRUE(std::regex_search(out, std::regex(desk_id + " +desk +\\S+ +Desk 1 .* revoked\n")))
      << out;

  ASSERT_EQ(run(on_event({"token", "revoke", "--id", desk_id}), &out), 0) << out;
  EXPECT_CONTAINS(out, "was revoked already");
  EXPECT_EQ(stored_token(desk)->revoked_at(), record->revoked_at());
  EXPECT_EQ(run(on_event({"token", "revoke", "--id", "ffffffffffff"}), &out), 1);
  EXPECT_CONTAINS(out, "rollcall-admin: no token ffffffffffff in wsis20-2025");
}

TEST_F(AdminCliTest, ADeskTokenIsBoundToItsDesk) {
  const auto named = issue({"--role", "desk", "--name", "Desk 4", "--desk", "hall-a-4"});
  EXPECT_EQ(stored_token(named)->desk_id(), "hall-a-4");
  const auto unnamed = issue({"--role", "desk", "--name", "Desk 5"});
  const auto record = stored_token(unnamed);
  EXPECT_EQ(record->desk_id(), "");
  EXPECT_EQ(services::auth::desk_id_of(*record), record->id());  // the token's id stands in

  std::string out;
  ASSERT_EQ(run(on_event({"token", "list"}), &out), 0) << out;
  EXPECT_TRUE(std::regex_search(out, std::regex(" desk +hall-a-4 +Desk 4 "))) << out;
  EXPECT_TRUE(std::regex_search(out, std::regex(record->id() + " +desk +" + record->id()))) << out;
  const auto issue_with = [&](std::vector<std::string> more) {
    std::vector<std::string> args = {"token", "issue", "--name", "x"};
    args.insert(args.end(), more.begin(), more.end());
    return run(on_event(args), &out);
  };
  EXPECT_EQ(issue_with({"--role", "display", "--desk", "d1"}), 2);
  EXPECT_CONTAINS(out, "--desk is for desk tokens only");
  for (const char* bad : {"", "two words", "desk/1", "ü",
                          "0123456789012345678901234567890123456789"
                          "012345678901234567890123456789"}) {
    EXPECT_EQ(issue_with({"--role", "desk", "--desk", bad}), 2) << bad;
  }
  EXPECT_EQ(redis_.command({"HLEN", store::tokens_key(kEvent)}), "2");
}

TEST_F(AdminCliTest, OnlyDeskTokensTakeTheRegistrationScope) {
  const auto token = issue({"--role", "desk", "--name", "Registration 1", "--desk", "reg-1",
                            "--scope", "registration", "--scope", "registration"});
  const auto record = stored_token(token);
  ASSERT_TRUE(record);
  ASSERT_EQ(record->scopes_size(), 1);  // named twice, held once
  EXPECT_EQ(record->scopes(0), v1::registration);
  EXPECT_TRUE(services::auth::token_allows(*record, services::auth::Access::check_in_by_hand));
  std::string out;
  ASSERT_EQ(run(on_event({"token", "list"}), &out), 0) << out;
  EXPECT_TRUE(std::regex_search(out, std::regex(" desk\\+registration +reg-1 +Registration 1 ")))
      << out;
  const auto issue_with = [&](std::vector<std::string> more) {
    std::vector<std::string> args = {"token", "issue", "--name", "x"};
    args.insert(args.end(), more.begin(), more.end());
    return run(on_event(args), &out);
  };
  for (const char* role : {"organizer", "display", "platform"}) {
    EXPECT_EQ(issue_with({"--role", role, "--scope", "registration"}), 2) << role;
    EXPECT_CONTAINS(out, "--scope is for desk tokens only");
  }
  for (const char* bad : {"", "admin", "Registration", "registration,admin", "scan"}) {
    EXPECT_EQ(issue_with({"--role", "desk", "--scope", bad}), 2) << bad;
    EXPECT_CONTAINS(out, "is not registration");
  }
  EXPECT_EQ(redis_.command({"HLEN", store::tokens_key(kEvent)}), "1");
}

TEST_F(AdminCliTest, ARevokedDeskCanBeForgottenAndJunkDesksListedAndForgotten) {
  const auto token = issue({"--role", "desk", "--name", "Lost tablet", "--desk", "hall-b-2"});
  const auto id = stored_token(token)->id();
  const auto counters = store::counters_key(kEvent);
  // What scans left: the desk's counters, two made-up desks, and a figure that must stay.
  for (const std::string desk : {"hall-b-2", "junk-1", "junk-2"}) {
    redis_.command({"HSET", counters, "desk:" + desk + ":scans", "3", "desk:" + desk + ":last_seen",
                    "1751871600000"});
    redis_.command({"SADD", store::desks_key(kEvent), desk});
  }
  redis_.command({"HSET", counters, "onsite", "3"});

  std::string out, err;
  ASSERT_EQ(run_split(on_event({"desk", "list"}), &out, &err), 0) << err;
  EXPECT_TRUE(std::regex_search(out, std::regex("hall-b-2 +3 +0 +" + id + " \\(active\\)"))) << out;
  EXPECT_TRUE(std::regex_search(out, std::regex("junk-1 +3 +0 +no token"))) << out;
  EXPECT_CONTAINS(err, "3 desks in the totals of wsis20-2025");

  // A platform token has no desk to forget: refused, nothing revoked.
  const auto platform = issue({"--role", "platform", "--name", "Bridge"});
  EXPECT_EQ(
      run(on_event({"token", "revoke", "--id", stored_token(platform)->id(), "--forget-desk"}),
          &out),
      1);
  EXPECT_CONTAINS(out, "only desk tokens have a desk to forget");
  EXPECT_FALSE(stored_token(platform)->has_revoked_at());

  // The functions were never loaded into this Redis (no gateway ran): the CLI loads them.
  ASSERT_EQ(run_split(on_event({"token", "revoke", "--id", id, "--forget-desk"}), &out, &err), 0)
      << err;
  EXPECT_CONTAINS(err, "revoked desk token " + id);
  EXPECT_CONTAINS(err, "desk hall-b-2 removed from the totals of wsis20-2025");
  EXPECT_TRUE(stored_token(token)->has_revoked_at());
  EXPECT_EQ(redis_.command({"HEXISTS", counters, "desk:hall-b-2:scans"}), "0");
  EXPECT_EQ(redis_.command({"HEXISTS", counters, "desk:hall-b-2:last_seen"}), "0");
  EXPECT_EQ(redis_.command({"SISMEMBER", store::desks_key(kEvent), "hall-b-2"}), "0");
  EXPECT_EQ(redis_.command({"SISMEMBER", store::forgotten_desks_key(kEvent), "hall-b-2"}), "1");
  // Its replacement tablet gets a new token for the same desk, which shows again.
  issue({"--role", "desk", "--name", "New tablet", "--desk", "hall-b-2"});
  EXPECT_EQ(redis_.command({"SISMEMBER", store::forgotten_desks_key(kEvent), "hall-b-2"}), "0");

  ASSERT_EQ(run_split(on_event({"desk", "forget", "--desk", "junk-1", "--desk", "junk-2", "--desk",
                                "never-was"}),
                      &out, &err),
            0)
      << err;
  EXPECT_CONTAINS(err, "desk never-was was not in the totals");
  EXPECT_CONTAINS(err, "2 of 3 desks forgotten");
  EXPECT_EQ(redis_.command({"HKEYS", counters}), "onsite");
  EXPECT_EQ(redis_.command({"SCARD", store::desks_key(kEvent)}), "0");
  EXPECT_EQ(run(on_event({"desk", "forget"}), &out), 2);
  EXPECT_EQ(run(on_event({"desk", "burn"}), &out), 2);
}

TEST_F(AdminCliTest, ATicketNamesOneParticipantAndVerifiesWithTheEventsKey) {
  std::string out, err;
  ASSERT_EQ(
      run_split(on_event({"ticket", "issue", "--participant", "jill@example.org", "--country", "ke",
                          "--category", "youth", "--badge", "B-7", "--expires-in", "2h"}),
                &out, &err),
      0)
      << err;
  ASSERT_TRUE(std::regex_match(out, std::regex("rt1\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}\n")))
      << out;
  const auto ticket = out.substr(0, out.size() - 1);
  EXPECT_CONTAINS(err, "ticket for participant jill@example.org of wsis20-2025, expires ");
  const auto hex = redis_.command({"HGET", store::secrets_key(kEvent), "tickets"});
  const auto key = services::auth::ticket_key_bytes(hex);
  ASSERT_TRUE(key) << hex;
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  auto check = services::auth::check_ticket(ticket, *key, kEvent, now);
  ASSERT_EQ(check.verdict, services::auth::TicketVerdict::ok);
  EXPECT_EQ(check.claims.participant_id(), "jill@example.org");
  EXPECT_EQ(check.claims.country(), "KE");
  EXPECT_EQ(check.claims.category(), "youth");
  EXPECT_EQ(check.claims.badge_id(), "B-7");
  EXPECT_EQ(check.claims.expires_at() - check.claims.issued_at(), 2 * 3600);
  EXPECT_EQ(services::auth::check_ticket(ticket, *key, kEvent, now + 2 * 3600).verdict,
            services::auth::TicketVerdict::expired);

  // A second ticket uses the same key; rotating it refuses both.
  ASSERT_EQ(run_split(on_event({"ticket", "issue", "--participant", "p2"}), &out, &err), 0) << err;
  EXPECT_EQ(redis_.command({"HGET", store::secrets_key(kEvent), "tickets"}), hex);
  ASSERT_EQ(run_split(on_event({"ticket", "rotate-key"}), &out, &err), 0) << err;
  const auto rotated = services::auth::ticket_key_bytes(
      redis_.command({"HGET", store::secrets_key(kEvent), "tickets"}));
  ASSERT_TRUE(rotated);
  EXPECT_EQ(services::auth::check_ticket(ticket, *rotated, kEvent, now).verdict,
            services::auth::TicketVerdict::forged);

  for (const auto& bad :
       std::vector<std::vector<std::string>>{{},
                                             {"--participant", ""},
                                             {"--participant", "two words"},
                                             {"--participant", "p", "--country", "XX"},
                                             {"--participant", "p", "--badge", "not a badge"},
                                             {"--participant", "p", "--expires-in", "8d"},
                                             {"--participant", "p", "--expires-in", "soon"}}) {
    std::vector<std::string> args = {"ticket", "issue"};
    args.insert(args.end(), bad.begin(), bad.end());
    EXPECT_EQ(run(on_event(args), &out), 2) << ::testing::PrintToString(bad) << out;
  }
  EXPECT_EQ(run(on_event({"ticket", "forge"}), &out), 2);
}

TEST_F(AdminCliTest, TokenCommandsRefuseBadInput) {
  std::string out;
  const auto issue_with = [&](std::vector<std::string> more) {
    std::vector<std::string> args = {"token", "issue"};
    args.insert(args.end(), more.begin(), more.end());
    return run(on_event(args), &out);
  };
  EXPECT_EQ(issue_with({"--role", "janitor", "--name", "x"}), 2);
  EXPECT_CONTAINS(out, "--role \"janitor\" is not one of desk, platform, display, organizer");
  EXPECT_EQ(issue_with({"--role", "desk"}), 2);
  EXPECT_CONTAINS(out, "--name is required");
  EXPECT_EQ(issue_with({"--role", "desk", "--name", ""}), 2);
  EXPECT_EQ(issue_with({"--role", "desk", "--name", "tab\there"}), 2);
  EXPECT_EQ(issue_with({"--role", "desk", "--name", "x", "--expires-in", "12"}), 2);
  EXPECT_CONTAINS(out, "is not a lifetime like 90m, 12h or 5d");
  EXPECT_EQ(issue_with({"--role", "desk", "--name", "x", "--expires-in", "0h"}), 2);
  EXPECT_EQ(issue_with({"--role", "desk", "--name", "x", "--expires-in", "99999d"}), 2);
  EXPECT_EQ(issue_with({"--role", "desk", "--name", "x", "--expires-at", "tomorrow"}), 2);
  EXPECT_EQ(issue_with({"--role", "desk", "--name", "x", "--expires-at", "2001-01-01T00:00:00Z"}),
            2);
  EXPECT_CONTAINS(out, "is in the past");
  EXPECT_EQ(issue_with({"--role", "desk", "--name", "x", "--expires-in", "1h", "--expires-at",
                        "2099-01-01T00:00:00Z"}),
            2);
  EXPECT_CONTAINS(out, "not both");
  EXPECT_EQ(issue_with({"--role", "desk", "--name", "x", "--colour", "blue"}), 2);
  EXPECT_EQ(redis_.command({"EXISTS", store::tokens_key(kEvent)}), "0") << "nothing was stored";

  EXPECT_EQ(run({"token", "issue", "--role", "desk", "--name", "x"}, &out), 2);
  EXPECT_CONTAINS(out, "--event or --venue is required");
  EXPECT_EQ(run({"token", "issue", "--role", "desk", "--name", "x", "--event", "Bad Event"}, &out),
            2);
  EXPECT_EQ(run({"token", "issue", "--role", "desk", "--name", "x", "--event", kEvent, "--redis",
                 "http://nowhere"},
                &out),
            2);
  EXPECT_EQ(run({"token", "list", "--event", kEvent, "--redis",
                 "redis://127.0.0.1:" + std::to_string(tests::support::free_loopback_port())},
                &out),
            1);
  EXPECT_CONTAINS(out, "rollcall-admin: ");

  // An event that was never imported: refused, nothing written.
  EXPECT_EQ(run(on_event({"token", "issue", "--role", "desk", "--name", "x"}, "igf-2025"), &out),
            1);
  EXPECT_CONTAINS(out, "event igf-2025 does not exist");
  EXPECT_EQ(redis_.command({"EXISTS", store::tokens_key("igf-2025")}), "0");
  EXPECT_EQ(run(on_event({"token", "revoke"}), &out), 2);
  EXPECT_EQ(run(on_event({"token", "forge"}), &out), 2);
}

TEST_F(AdminCliTest, ABadgeKeySignsCodesThatVerifyWithTheStoredPublicKeyUntilRetired) {
  const auto key_path = dir_ / "wsis.key";
  const auto key_id = new_key(key_path);
  ASSERT_TRUE(std::regex_match(key_id, std::regex("[0-9a-f]{8}"))) << key_id;
  struct stat info {};
  ASSERT_EQ(::stat(key_path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  std::string error;
  const auto file = badges::parse_key_file(slurp(key_path), &error);
  ASSERT_TRUE(file) << error;
  EXPECT_EQ(file->event_id, kEvent);
  EXPECT_EQ(file->key.key_id, key_id);
  const auto stored = stored_keys()(key_id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->key_id(), key_id);
  EXPECT_EQ(stored->public_key(), file->key.public_key);
  EXPECT_TRUE(stored->has_created_at());
  EXPECT_FALSE(stored->has_retired_at());
  EXPECT_EQ(redis_.command({"HGETALL", store::badge_keys_key(kEvent)})
                .find(std::string(reinterpret_cast<const char*>(file->key.secret_key.data()), 32)),
            std::string::npos);

  std::string out, err;
  ASSERT_EQ(
      run_split({"badge", "sign", "--secret-file", key_path.string(), "--event", kEvent, "--badge",
                 "WSIS-004217", "--first-day", "2025-07-07", "--last-day", "2025-07-11"},
                &out, &err),
      0)
      << out << err;
  ASSERT_TRUE(std::regex_match(out, std::regex("RC1:[A-Z2-7]+\n"))) << out;
  const auto code = out.substr(0, out.size() - 1);
  EXPECT_EQ(code.size(), 160u);
  EXPECT_CONTAINS(err, "signed badge WSIS-004217");
  auto check = badges::verify_badge_code(code, kEvent, stored_keys());
  EXPECT_EQ(check.status, badges::CodeStatus::ok);
  EXPECT_EQ(check.claim.badge_id, "WSIS-004217");
  EXPECT_EQ(check.claim.key_id, key_id);
  EXPECT_EQ(check.claim.first_day, "2025-07-07");
  EXPECT_EQ(check.claim.last_day, "2025-07-11");
  EXPECT_TRUE(badges::valid_on(check.claim, "2025-07-11"));
  EXPECT_FALSE(badges::valid_on(check.claim, "2025-07-12"));

  // A second key for the same event; then retire the first.
  const auto second = new_key(dir_ / "second.key");
  EXPECT_NE(second, key_id);
  ASSERT_EQ(run(on_event({"badge-key", "list"}), &out), 0) << out;
  EXPECT_TRUE(std::regex_search(out, std::regex(key_id + " +\\S+Z +active +[A-Za-z0-9+/]{43}=")))
      << out;
  ASSERT_EQ(run(on_event({"badge-key", "retire", "--id", key_id}), &out), 0) << out;
  EXPECT_CONTAINS(out, "retired badge key " + key_id);
  EXPECT_EQ(badges::verify_badge_code(code, kEvent, stored_keys()).status,
            badges::CodeStatus::retired_key);
  ASSERT_EQ(run(on_event({"badge-key", "list"}), &out), 0) << out;
  EXPECT_TRUE(std::regex_search(out, std::regex(key_id + " +\\S+Z +retired \\S+Z "))) << out;
  EXPECT_TRUE(std::regex_search(out, std::regex(second + " +\\S+Z +active "))) << out;
  ASSERT_EQ(run(on_event({"badge-key", "retire", "--id", key_id}), &out), 0) << out;
  EXPECT_CONTAINS(out, "was retired already");
  EXPECT_EQ(run(on_event({"badge-key", "retire", "--id", "00000000"}), &out), 1);
  EXPECT_CONTAINS(out, "no badge key 00000000");

  // A one-bit change of the printed code is refused.
  auto altered = code;
  altered[40] = static_cast<char>(altered[40] ^ 0x01);
  ASSERT_EQ(run({"badge", "sign", "--secret-file", (dir_ / "second.key").string(), "--event",
                 kEvent, "--badge", "B1"},
                &out),
            0);
  const auto fresh = out.substr(0, out.find('\n'));
  EXPECT_EQ(badges::verify_badge_code(fresh, kEvent, stored_keys()).status, badges::CodeStatus::ok);
  altered = fresh;
  altered[60] = altered[60] == 'A' ? 'B' : 'A';
  EXPECT_EQ(badges::verify_badge_code(altered, kEvent, stored_keys()).status,
            badges::CodeStatus::invalid_signature);
}

TEST_F(AdminCliTest, BadgeKeyNewNeverOverwritesAndNeedsTheEvent) {
  const auto key_path = dir_ / "wsis.key";
  new_key(key_path);
  const auto before = slurp(key_path);
  std::string out;
  EXPECT_EQ(run(on_event({"badge-key", "new", "--secret-file", key_path.string()}), &out), 1);
  EXPECT_CONTAINS(out, "exists already: refusing to overwrite");
  EXPECT_EQ(slurp(key_path), before);
  EXPECT_EQ(redis_.command({"HLEN", store::badge_keys_key(kEvent)}), "1");

  const auto other = dir_ / "igf.key";
  EXPECT_EQ(run(on_event({"badge-key", "new", "--secret-file", other.string()}, "igf-2025"), &out),
            1);
  EXPECT_CONTAINS(out, "event igf-2025 does not exist");
  EXPECT_FALSE(fs::exists(other));
  EXPECT_EQ(
      run(on_event({"badge-key", "new", "--secret-file", (dir_ / "no-such-dir" / "k").string()}),
          &out),
      1);
  EXPECT_CONTAINS(out, "cannot create");
  EXPECT_EQ(redis_.command({"HLEN", store::badge_keys_key(kEvent)}), "1");
  EXPECT_EQ(run(on_event({"badge-key", "new"}), &out), 2);
  EXPECT_CONTAINS(out, "--secret-file is required");
}

TEST_F(AdminCliTest, SignsEveryBadgeOfARegistryWithQrCodes) {
  const auto key_path = dir_ / "wsis.key";
  const auto key_id = new_key(key_path);
  const auto csv = dir_ / "badges.csv";
  std::ofstream(csv) << "badge_id,country,category,name,organization,revoked\n"
                        "WSIS-000001,CH,minister,\"Doe, Jane\",Federal Office,\n"
                        " WSIS-000002 ,KE,youth,Wanjiru,\"Youth, IGF\",0\n"
                        "WSIS-000003,,un,Ana,ITU,1\n";
  const auto codes = dir_ / "codes.csv";
  const auto qr = dir_ / "qr";
  std::string out;
  ASSERT_EQ(run({"badge", "sign", "--secret-file", key_path.string(), "--event", kEvent,
                 "--registry", csv.string(), "--out", codes.string(), "--qr-dir", qr.string(),
                 "--first-day", "2025-07-07"},
                &out),
            0)
      << out;
  EXPECT_CONTAINS(out, "signed 3 badge codes of wsis20-2025 with key " + key_id);
  EXPECT_CONTAINS(out, "1 of these badges are revoked in the registry");
  std::istringstream lines(slurp(codes));
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line, "badge_id,code");
  std::vector<std::string> ids;
  while (std::getline(lines, line)) {
    const auto comma = line.find(',');
    ASSERT_NE(comma, std::string::npos) << line;
    const auto id = line.substr(0, comma);
    const auto check = badges::verify_badge_code(line.substr(comma + 1), kEvent, stored_keys());
    EXPECT_EQ(check.status, badges::CodeStatus::ok) << line;
    EXPECT_EQ(check.claim.badge_id, id);
    EXPECT_EQ(check.claim.first_day, "2025-07-07");
    EXPECT_EQ(check.claim.last_day, "");
    const auto svg = slurp(qr / (id + ".svg"));
    EXPECT_EQ(svg.rfind("<?xml", 0), 0u) << id;
    EXPECT_CONTAINS(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"");
    ids.push_back(id);
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"WSIS-000001", "WSIS-000002", "WSIS-000003"}));

  // Stdout works too.
  ASSERT_EQ(run({"badge", "sign", "--secret-file", key_path.string(), "--event", kEvent,
                 "--registry", csv.string(), "--out", "-"},
                &out),
            0)
      << out;
  EXPECT_CONTAINS(out, "badge_id,code\nWSIS-000001,RC1:");
}

TEST_F(AdminCliTest, ABadRegistryWritesNoCodes) {
  const auto key_path = dir_ / "wsis.key";
  new_key(key_path);
  const auto csv = dir_ / "badges.csv";
  std::ofstream(csv) << "badge_id,country,category,name,organization\n"
                        "A1,CH,un,A,B\n"
                        "A1,CH,un,A,B\n"
                        "bad id,CH,un,A,B\n"
                        "A2,CH\n";
  const auto codes = dir_ / "codes.csv";
  std::string out;
  EXPECT_EQ(run({"badge", "sign", "--secret-file", key_path.string(), "--event", kEvent,
                 "--registry", csv.string(), "--out", codes.string()},
                &out),
            1);
  EXPECT_CONTAINS(out, "line 3: badge_id A1 appears twice");
  EXPECT_CONTAINS(out, "line 4: badge_id \"bad id\" is not");
  EXPECT_CONTAINS(out, "line 5: expected 5 columns, found 2");
  EXPECT_CONTAINS(out, "has 3 unusable row(s); no codes written");
  EXPECT_FALSE(fs::exists(codes));

  std::ofstream(csv, std::ios::trunc) << "id,name\nA1,x\n";
  EXPECT_EQ(run({"badge", "sign", "--secret-file", key_path.string(), "--event", kEvent,
                 "--registry", csv.string(), "--out", codes.string()},
                &out),
            1);
  EXPECT_CONTAINS(out, "the first column of the header must be badge_id");
  EXPECT_FALSE(fs::exists(codes));
}

TEST_F(AdminCliTest, BadgeSignRefusesBadUsageAndForeignKeys) {
  const auto key_path = dir_ / "wsis.key";
  new_key(key_path);
  const auto sign = [&](std::vector<std::string> more, std::string* out) {
    std::vector<std::string> args = {"badge", "sign", "--secret-file", key_path.string()};
    args.insert(args.end(), more.begin(), more.end());
    return run(args, out);
  };
  std::string out;
  EXPECT_EQ(sign({"--event", kEvent}, &out), 2);
  EXPECT_CONTAINS(out, "give --badge or --registry");
  EXPECT_EQ(sign({"--event", kEvent, "--badge", "A", "--registry", "x.csv"}, &out), 2);
  EXPECT_EQ(sign({"--event", kEvent, "--registry", "x.csv"}, &out), 2);
  EXPECT_CONTAINS(out, "--registry needs --out");
  EXPECT_EQ(sign({"--event", kEvent, "--badge", "A", "--out", "x"}, &out), 2);
  EXPECT_EQ(sign({"--event", kEvent, "--badge", "has space"}, &out), 2);
  EXPECT_EQ(sign({"--event", kEvent, "--badge", "A", "--first-day", "2025-02-30"}, &out), 2);
  EXPECT_CONTAINS(out, "--first-day \"2025-02-30\" is not a date YYYY-MM-DD");
  EXPECT_EQ(sign({"--event", kEvent, "--badge", "A", "--first-day", "2025-07-12", "--last-day",
                  "2025-07-11"},
                 &out),
            2);
  EXPECT_CONTAINS(out, "first day 2025-07-12 is after last day 2025-07-11");
  EXPECT_EQ(sign({"--event", kEvent, "--badge", "A", "--first-day", "1970-01-01"}, &out), 2);

  // The key of one event never signs for another.
  EXPECT_EQ(sign({"--event", "igf-2025", "--badge", "A"}, &out), 1);
  EXPECT_CONTAINS(out, "is the key of event wsis20-2025, not igf-2025");
  EXPECT_EQ(run({"badge", "sign", "--secret-file", (dir_ / "none.key").string(), "--event", kEvent,
                 "--badge", "A"},
                &out),
            1);
  EXPECT_CONTAINS(out, "cannot read key file");
  const auto broken = dir_ / "broken.key";
  std::ofstream(broken) << "format: rollcall-badge-key-v1\n";
  ::chmod(broken.c_str(), 0600);
  EXPECT_EQ(
      run({"badge", "sign", "--secret-file", broken.string(), "--event", kEvent, "--badge", "A"},
          &out),
      1);
  EXPECT_CONTAINS(out, "not a rollcall badge key file");

  // A key file others can read still works, with a warning.
  ::chmod(key_path.c_str(), 0644);
  EXPECT_EQ(sign({"--event", kEvent, "--badge", "A"}, &out), 0) << out;
  EXPECT_CONTAINS(out, "can be read by others than its owner");
}

TEST_F(AdminCliTest, TopLevelUsage) {
  std::string out;
  EXPECT_EQ(run({"--help"}, &out), 0);
  EXPECT_CONTAINS(out, "Usage: rollcall-admin token issue");
  EXPECT_CONTAINS(out, "rollcall-admin badge sign --secret-file PATH --event EVENT --registry");
  EXPECT_EQ(run({}, &out), 2);
  EXPECT_CONTAINS(out, "rollcall-admin: say what to do (see rollcall-admin --help)");
  EXPECT_EQ(run({"token"}, &out), 2);
  EXPECT_EQ(run({"tokens", "list"}, &out), 2);
  EXPECT_CONTAINS(out, "unknown command \"tokens\"");
  EXPECT_EQ(run({"badge", "verify"}, &out), 2);
  EXPECT_EQ(run({"token", "issue", "--help"}, &out), 0);
  EXPECT_CONTAINS(out, "--expires-in");
  EXPECT_EQ(run({"badge", "sign", "--help"}, &out), 0);
  EXPECT_CONTAINS(out, "--qr-dir");
}

}  // namespace
}  // namespace rollcall::tools::admin

namespace rollcall::tools::admin {
namespace {

class VenueCliTest : public AdminCliTest {
 protected:
  void SetUp() override {
    AdminCliTest::SetUp();
    for (const std::string e : {"wsis20", "aifg25"}) {
      redis_.command({"HSET", store::event_key(e), "config", "{}"});
    }
  }
  std::vector<std::string> create(std::vector<std::string> args) {
    args.insert(args.begin(), {"venue", "create"});
    args.insert(args.end(), {"--redis", redis_.url()});
    return args;
  }
};

TEST_F(VenueCliTest, CreateLinksThePersonsItsEventsShareAndRefusesTwoCountries) {
  redis_.command({"HSET", store::persons_key("wsis20"), "P-1", "CH", "P-2", "FR"});
  redis_.command({"HSET", store::persons_key("aifg25"), "P-1", "CH", "P-3", ""});
  std::string out;
  ASSERT_EQ(
      run(create({"--venue", "palexpo", "--name", "Palexpo, Genève", "--events", "wsis20,aifg25"}),
          &out),
      0)
      << out;
  EXPECT_CONTAINS(out,
                  "created venue palexpo with 2 events; 3 linked persons, 1 of them "
                  "registered for more than one event");
  EXPECT_EQ(redis_.command({"HGET", store::venue_key("palexpo"), "events"}), ",wsis20,aifg25,");
  const auto config =
      boost::json::parse(redis_.command({"HGET", store::venue_key("palexpo"), "config"}));
  EXPECT_EQ(config.at("name").as_string(), "Palexpo, Genève");
  EXPECT_EQ(config.at("events").as_array().size(), 2u);
  EXPECT_EQ(redis_.command({"SMEMBERS", std::string(store::kVenuesKey)}), "palexpo");
  EXPECT_EQ(redis_.command({"HGET", store::venue_persons_key("palexpo"), "P-3"}), "");
  EXPECT_EQ(redis_.command({"HLEN", store::venue_persons_key("palexpo")}), "3");

  ASSERT_EQ(run({"venue", "show", "--venue", "palexpo", "--redis", redis_.url()}, &out), 0) << out;
  EXPECT_CONTAINS(out, "venue palexpo (Palexpo, Genève)");
  EXPECT_CONTAINS(out, "1 person registered for more than one event");

  // A third event that gives P-2 another country: refused, nothing changes.
  redis_.command({"HSET", store::event_key(kEvent), "config", "{}"});
  redis_.command({"HSET", store::persons_key(kEvent), "P-2", "DE", "P-9", "JP"});
  EXPECT_EQ(run(create({"--venue", "palexpo", "--name", "P", "--events",
                        std::string("wsis20,aifg25,") + kEvent}),
                &out),
            1);
  EXPECT_CONTAINS(out,
                  "person P-2 is DE in event " + std::string(kEvent) + " but FR in venue palexpo");
  EXPECT_CONTAINS(out, "nothing written");
  EXPECT_EQ(redis_.command({"HEXISTS", store::venue_persons_key("palexpo"), "P-9"}), "0");
  EXPECT_EQ(redis_.command({"HGET", store::venue_key("palexpo"), "events"}), ",wsis20,aifg25,");
  // An event never leaves a venue.
  EXPECT_EQ(run(create({"--venue", "palexpo", "--name", "P", "--events", "wsis20"}), &out), 1);
  EXPECT_CONTAINS(out, "event aifg25 is in venue palexpo and stays");
}

TEST_F(VenueCliTest, CreateRefusesBadInputWithNothingWritten) {
  std::string out;
  const std::vector<std::vector<std::string>> bad = {
      {"--name", "N", "--events", "wsis20"},
      {"--venue", "Bad Venue", "--name", "N", "--events", "wsis20"},
      {"--venue", "@v", "--name", "N", "--events", "wsis20"},
      {"--venue", "v", "--events", "wsis20"},
      {"--venue", "v", "--name", "", "--events", "wsis20"},
      {"--venue", "v", "--name", "line\nbreak", "--events", "wsis20"},
      {"--venue", "v", "--name", std::string(201, 'x'), "--events", "wsis20"},
      {"--venue", "v", "--name", "N"},
      {"--venue", "v", "--name", "N", "--events", ""},
      {"--venue", "v", "--name", "N", "--events", "wsis20,"},
      {"--venue", "v", "--name", "N", "--events", "wsis20,,aifg25"},
      {"--venue", "v", "--name", "N", "--events", "@x"},
      {"--venue", "v", "--name", "N", "--events", "WSIS20"},
  };
  for (const auto& args : bad) {
    EXPECT_EQ(run(create(args), &out), 2) << ::testing::PrintToString(args) << out;
    EXPECT_LT(out.size(), 600u) << "bounded echo";
  }
  EXPECT_EQ(run(create({"--venue", "v", "--name", "N", "--events", "wsis20,nope"}), &out), 1);
  EXPECT_CONTAINS(out, "event nope does not exist");
  EXPECT_EQ(redis_.command({"EXISTS", std::string(store::kVenuesKey)}), "0");
  EXPECT_EQ(redis_.command({"EXISTS", store::venue_key("v")}), "0");
  EXPECT_EQ(run({"venue", "show", "--venue", "v", "--redis", redis_.url()}, &out), 1);
  EXPECT_CONTAINS(out, "venue v does not exist");
  EXPECT_EQ(run({"venue", "burn", "--venue", "v"}, &out), 2);
}

TEST_F(VenueCliTest, AVenueTokenOpensTheVenueAndEachEventAndIsRevokedEverywhere) {
  std::string out;
  ASSERT_EQ(run(create({"--venue", "palexpo", "--name", "P", "--events", "wsis20,aifg25"}), &out),
            0);
  std::string token, err;
  ASSERT_EQ(run_split({"token", "issue", "--venue", "palexpo", "--role", "display", "--name",
                       "Venue wall", "--redis", redis_.url()},
                      &token, &err),
            0)
      << err;
  token.pop_back();
  const auto hash = services::auth::token_hash(token);
  for (const std::string feed : {"@palexpo", "wsis20", "aifg25"}) {
    const auto json = redis_.command({"HGET", store::tokens_key(feed), hash});
    ASSERT_FALSE(json.empty()) << feed;
    EXPECT_EQ(parse_json<v1::TokenRecord>(json).role(), v1::display);
  }
  EXPECT_EQ(redis_.command({"HEXISTS", store::tokens_key(kEvent), hash}), "0");
  ASSERT_EQ(run({"token", "list", "--venue", "palexpo", "--redis", redis_.url()}, &out), 0);
  EXPECT_CONTAINS(out, "Venue wall");
  const auto id =
      parse_json<v1::TokenRecord>(redis_.command({"HGET", store::tokens_key("@palexpo"), hash}))
          .id();
  ASSERT_EQ(
      run({"token", "revoke", "--venue", "palexpo", "--id", id, "--redis", redis_.url()}, &out), 0)
      << out;
  for (const std::string feed : {"@palexpo", "wsis20", "aifg25"}) {
    EXPECT_TRUE(parse_json<v1::TokenRecord>(redis_.command({"HGET", store::tokens_key(feed), hash}))
                    .has_revoked_at())
        << feed;
  }
  EXPECT_EQ(run({"token", "issue", "--venue", "palexpo", "--event", "wsis20", "--role", "display",
                 "--name", "x", "--redis", redis_.url()},
                &out),
            2);
  EXPECT_CONTAINS(out, "not both");
  EXPECT_EQ(run({"token", "issue", "--venue", "nowhere", "--role", "display", "--name", "x",
                 "--redis", redis_.url()},
                &out),
            1);
  EXPECT_CONTAINS(out, "venue nowhere does not exist");
}

}  // namespace
}  // namespace rollcall::tools::admin
