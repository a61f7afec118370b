// rollcall-import's writes: the event, each badge through the script, the person links, the
// registry version.
#include "services/store/import_call.h"

#include <gtest/gtest.h>

#include "tests/services/store/reply_shapes.h"

namespace rollcall::services::store {
namespace {

using namespace shapes;
using Args = std::vector<std::string>;

TEST(ImportCall, BuildersNameTheEventsKeys) {
  EXPECT_EQ(event_write("ev", "{}", ",d,", ""),
            (Args{"HSET", "{ev}:event", "config", "{}", "days", ",d,", "zones", ""}));
  EXPECT_EQ(event_register("ev"), (Args{"SADD", "rollcall:events", "ev"}));
  EXPECT_EQ(badge_listed("ev", "B1"), (Args{"SADD", "{ev}:badges", "B1"}));
  EXPECT_EQ(person_link_write("ev", "p", "CH"), (Args{"HSET", "{ev}:persons", "p", "CH"}));
  EXPECT_EQ(registry_version_bump("ev"), (Args{"INCR", "{ev}:registry_version"}));
  EXPECT_EQ(badge_import_script_load(),
            (Args{"SCRIPT", "LOAD", std::string(badge_import_script())}));
  const auto call = badge_import_call("abc", {.event_id = "ev",
                                              .badge_id = "B1",
                                              .country = "CH",
                                              .category = "youth",
                                              .name = "N",
                                              .organization = "O",
                                              .revoked = true,
                                              .person_id = "p"});
  EXPECT_EQ(call, (Args{"EVALSHA", "abc", "1", "{ev}:badge:B1", "B1", "CH", "youth", "N", "O", "1",
                        "p", "{ev}"}));
  EXPECT_EQ(badge_import_call("abc", {.event_id = "ev", .badge_id = "B"})[9], "0");
}

TEST(ImportCall, AnswersAreReadStrictly) {
  EXPECT_EQ(*read_badge_import(integer(0)), BadgeImportOutcome::kept);
  EXPECT_EQ(*read_badge_import(integer(1)), BadgeImportOutcome::written);
  EXPECT_EQ(*read_badge_import(integer(2)), BadgeImportOutcome::person_kept);
  for (const long long n : {-1LL, 3LL, 1000LL}) {
    expect_refused(read_badge_import(integer(n)), integer(n));
  }
  const std::string sha(40, 'a');
  EXPECT_EQ(*read_script_sha(text(sha)), sha);
  for (const auto& reply : basic_wrong_shapes()) {
    if (reply.type != Type::integer) expect_refused(read_badge_import(reply), reply);
    expect_refused(read_script_sha(reply), reply);
  }
  for (const auto& bad : {std::string(39, 'a'), std::string(41, 'a'), std::string(40, 'g'),
                          std::string(40, 'A'), std::string()}) {
    expect_refused(read_script_sha(text(bad)), text(bad));
  }
  random_replies_through([](const Reply& r) { return read_badge_import(r); }, 51);
  random_replies_through([](const Reply& r) { return read_script_sha(r); }, 52);
}

}  // namespace
}  // namespace rollcall::services::store
