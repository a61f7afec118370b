// Validation of joins and leaves, the FCALL arguments built from them, and the reading of the
// function's reply: everything services/presence does between a socket and Redis.
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include "services/presence/presence_items.h"
#include "services/registry/utf8.h"
#include "services/store/function_library.h"

namespace rollcall::services::presence {
namespace {

using google::protobuf::util::TimeUtil;

// A small code list keeps the test independent of the installed iso-codes version.
const registry::CountryCodes& countries() {
  static const auto codes = registry::CountryCodes::parse(
      R"({"3166-1": [{"alpha_2": "CH"}, {"alpha_2": "FR"}, {"alpha_2": "ZA"}]})");
  return codes;
}

v1::PresenceEvent good_join() {
  v1::PresenceEvent item;
  item.set_presence_id("br1-0001");
  item.set_kind(v1::join);
  item.set_participant_id("jill@example.org");
  item.set_badge_id("B-100");
  item.set_country("ch");
  item.set_category("youth");
  item.set_platform("zoom");
  item.set_session("Opening plenary");
  return item;
}

v1::Event event_with_categories(std::initializer_list<const char*> ids) {
  v1::Event event;
  event.set_event_id("ev");
  for (const char* id : ids) event.add_categories()->set_id(id);
  return event;
}

TEST(ValidatePresence, AcceptsAGoodItemAndNormalizesTheCountry) {
  auto item = good_join();
  EXPECT_EQ(validate_presence(&item, countries(), v1::Event{}), std::nullopt);
  EXPECT_EQ(item.country(), "CH");
}

TEST(ValidatePresence, OptionalFieldsMayBeEmpty) {
  v1::PresenceEvent item;
  item.set_presence_id("p");
  item.set_kind(v1::leave);
  item.set_participant_id("x");
  EXPECT_EQ(validate_presence(&item, countries(), event_with_categories({"youth"})), std::nullopt);
}

TEST(ValidatePresence, RefusesEachBadFieldWithAReason) {
  const auto event = event_with_categories({"youth", "minister"});
  auto why = [&](auto mutate) {
    auto item = good_join();
    mutate(item);
    return validate_presence(&item, countries(), event);
  };
  const std::vector<std::pair<std::string, std::optional<std::string>>> cases = {
      {"no presence_id", why([](auto& i) { i.clear_presence_id(); })},
      {"long presence_id", why([](auto& i) { i.set_presence_id(std::string(129, 'a')); })},
      {"presence_id with space", why([](auto& i) { i.set_presence_id("a b"); })},
      {"presence_id with hash tag", why([](auto& i) { i.set_presence_id("{ev}"); })},
      {"no kind", why([](auto& i) { i.set_kind(v1::presence_kind_unspecified); })},
      {"unknown kind", why([](auto& i) { i.set_kind(static_cast<v1::PresenceKind>(9)); })},
      {"no participant", why([](auto& i) { i.clear_participant_id(); })},
      {"participant with space", why([](auto& i) { i.set_participant_id("Jill Doe"); })},
      {"participant too long", why([](auto& i) { i.set_participant_id(std::string(129, 'p')); })},
      {"participant non-ascii", why([](auto& i) { i.set_participant_id("jöll"); })},
      {"badge with space", why([](auto& i) { i.set_badge_id("B 100"); })},
      {"unknown country", why([](auto& i) { i.set_country("XX"); })},
      {"three-letter country", why([](auto& i) { i.set_country("CHE"); })},
      {"category not of the event", why([](auto& i) { i.set_category("pirate"); })},
      {"platform with newline", why([](auto& i) { i.set_platform("zoom\n"); })},
      {"session too long", why([](auto& i) { i.set_session(std::string(129, 's')); })},
  };
  for (const auto& [name, reason] : cases) {
    ASSERT_TRUE(reason.has_value()) << name;
    EXPECT_FALSE(reason->empty()) << name;
  }
}

TEST(ValidatePresence, ReasonsNameTheProblem) {
  auto item = good_join();
  item.set_country("XX");
  const auto why = validate_presence(&item, countries(), v1::Event{});
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("XX"), std::string::npos) << *why;
  EXPECT_NE(why->find("ISO 3166-1"), std::string::npos) << *why;
}

TEST(ValidatePresence, LongFieldsAreRefusedFirstAndNoReasonQuotesMuchOfThem) {
  const auto event = event_with_categories({"youth"});
  const auto* descriptor = v1::PresenceEvent::descriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const auto* field = descriptor->field(i);
    if (field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_STRING) continue;
    const std::size_t limit = field->name() == "badge_id" ? 64 : 128;
    for (const std::size_t size : {limit + 1, std::size_t{50000}}) {
      auto item = good_join();
      item.GetReflection()->SetString(&item, field, std::string(size, 'Q'));
      const auto why = validate_presence(&item, countries(), event);
      ASSERT_TRUE(why) << field->name();
      EXPECT_EQ(*why, field->name() + " is " + std::to_string(size) + " bytes long; at most " +
                          std::to_string(limit) + " are allowed");
    }
  }
  // Within the limits, a bad value is quoted (bounded), and invalid UTF-8 is refused as such.
  auto item = good_join();
  item.set_country(std::string(128, 'Q'));
  const auto why = validate_presence(&item, countries(), event);
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("country \"" + std::string(128, 'Q') + "\""), std::string::npos) << *why;
  item = good_join();
  item.set_category("\xc3(");
  EXPECT_EQ(validate_presence(&item, countries(), event), "category is not valid UTF-8");
}

TEST(ValidatePresence, AnyCategoryWhenTheEventListsNone) {
  auto item = good_join();
  item.set_category("anything_goes");
  EXPECT_EQ(validate_presence(&item, countries(), v1::Event{}), std::nullopt);
}

TEST(PresenceCommand, CallsTheFunctionWithOneGroupOfNineArgumentsPerItem) {
  auto join = good_join();
  join.set_country("CH");
  *join.mutable_time() = TimeUtil::MillisecondsToTimestamp(1'720'425'600'123);
  v1::PresenceEvent leave;
  leave.set_presence_id("br1-0002");
  leave.set_kind(v1::leave);
  leave.set_participant_id("bob");
  const Holder holder{.id = "bridge:br1", .lease_until_ms = 1'720'425'615'000, .via = "bridge"};
  const checkin::ScanTiming timing{
      .effective_ms = 1'720'425'600'500, .day = "2024-07-08", .minute = "2024-07-08T10:00"};
  const auto command =
      presence_command("wsis", holder, timing, 1'720'425'600'500, false, {&join, &leave});
  const std::vector<std::string> expected = {
      "FCALL", std::string(store::kPresenceFunction), "1", "{wsis}", "bridge:br1", "1720425615000",
      "1720425600500", "2024-07-08", "2024-07-08T10:00", "bridge", "0",
      // the join, with its own time
      "br1-0001", "join", "jill@example.org", "B-100", "CH", "youth", "zoom", "Opening plenary",
      "1720425600123",
      // the leave, without a time: the server's
      "br1-0002", "leave", "bob", "", "", "", "", "", "1720425600500"};
  EXPECT_EQ(command, expected);
}

TEST(DropUnbelievedTime, AbsurdTimesGiveWayToTheServersClockWithAReason) {
  const std::int64_t server = 1'751'958'000'000;  // 2025-07-08T07:00:00Z
  const auto window = checkin::client_time_window({}, server);
  for (const std::int64_t seconds :
       {-62135596800LL, -2208988800LL, -1LL, 0LL, 253402300799LL, 1'751'958'000LL + 301}) {
    auto item = good_join();
    item.mutable_time()->set_seconds(seconds);
    const auto why = drop_unbelieved_time(&item, window);
    ASSERT_TRUE(why) << seconds;
    EXPECT_FALSE(item.has_time()) << seconds;  // presence_command then sends the server's time
    EXPECT_NE(why->find("was ignored"), std::string::npos) << *why;
    EXPECT_EQ(presence_command("ev", {}, {}, server, false, {&item}).back(),
              std::to_string(server));
  }
  auto item = good_join();
  *item.mutable_time() = TimeUtil::MillisecondsToTimestamp(server - 3'600'000);
  EXPECT_EQ(drop_unbelieved_time(&item, window), std::nullopt);
  EXPECT_EQ(TimeUtil::TimestampToMilliseconds(item.time()), server - 3'600'000);
  item.clear_time();
  EXPECT_EQ(drop_unbelieved_time(&item, window), std::nullopt);  // no time: nothing to flag
}

TEST(PresenceCommand, ResyncAndNoLease) {
  const Holder holder{.id = "zoom", .via = "webhook"};
  const auto command = presence_command("ev", holder, {.day = "d", .minute = "m"}, 7, true, {});
  ASSERT_EQ(command.size(), 11u);
  EXPECT_EQ(command[5], "0");   // no lease
  EXPECT_EQ(command[10], "1");  // resync
}

TEST(ReadPresenceReply, OneAckPerItemInOrderWithReplayFlags) {
  auto a = good_join();
  auto b = good_join();
  b.set_presence_id("br1-0002");
  auto c = good_join();
  c.set_presence_id("br1-0003");
  std::vector<v1::PresenceAck> acks;
  ASSERT_TRUE(read_presence_reply({"joined", "0", "rejoined", "1", "already_left", "0", "42"},
                                  {&a, &b, &c}, &acks));
  ASSERT_EQ(acks.size(), 3u);
  EXPECT_EQ(acks[0].presence_id(), "br1-0001");
  EXPECT_EQ(acks[0].status(), v1::PresenceAck::joined);
  EXPECT_FALSE(acks[0].replay());
  EXPECT_EQ(acks[1].presence_id(), "br1-0002");
  EXPECT_EQ(acks[1].status(), v1::PresenceAck::rejoined);
  EXPECT_TRUE(acks[1].replay());
  EXPECT_EQ(acks[2].status(), v1::PresenceAck::already_left);
  for (const auto& ack : acks) EXPECT_FALSE(ack.reason().empty()) << ack.DebugString();
}

TEST(ReadPresenceReply, RefusesAReplyOfTheWrongShape) {
  auto a = good_join();
  std::vector<v1::PresenceAck> acks;
  EXPECT_FALSE(read_presence_reply({}, {&a}, &acks));
  EXPECT_FALSE(read_presence_reply({"joined", "0"}, {&a}, &acks));            // no seq
  EXPECT_FALSE(read_presence_reply({"joined", "0", "1", "2"}, {&a}, &acks));  // too long
  EXPECT_FALSE(read_presence_reply({"teleported", "0", "1"}, {&a}, &acks));   // unknown status
  EXPECT_TRUE(read_presence_reply({"5"}, {}, &acks));                         // empty resync
}

TEST(PresenceAck, EveryStatusSaysWhyUnlessGivenAReason) {
  for (auto status : {v1::PresenceAck::joined, v1::PresenceAck::rejoined, v1::PresenceAck::left,
                      v1::PresenceAck::already_left, v1::PresenceAck::unavailable}) {
    EXPECT_FALSE(presence_ack("p", status).reason().empty()) << status;
  }
  const auto ack = presence_ack("p", v1::PresenceAck::rejected, "because");
  EXPECT_EQ(ack.presence_id(), "p");
  EXPECT_EQ(ack.status(), v1::PresenceAck::rejected);
  EXPECT_EQ(ack.reason(), "because");
  // A rejected item's id comes back bounded.
  EXPECT_LE(
      presence_ack(std::string(10240, 'p'), v1::PresenceAck::rejected, "x").presence_id().size(),
      131u);
}

}  // namespace
}  // namespace rollcall::services::presence
