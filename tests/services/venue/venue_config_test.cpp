#include "services/venue/venue_config.h"

#include <gtest/gtest.h>

#include <random>

#include "services/registry/utf8.h"

namespace rollcall::services::venue {
namespace {

VenueConfig geneva() {
  return {.id = "geneva", .name = "Palexpo, Genève", .events = {"wsis20", "aifg25"}};
}

TEST(VenueConfig, RoundTripsThroughItsStoredJson) {
  std::mt19937 random(15);
  for (int trial = 0; trial < 200; ++trial) {
    VenueConfig config{.id = "v" + std::to_string(trial), .name = "Venue " + std::to_string(trial)};
    const int events = 1 + random() % kMaxVenueEvents;
    for (int e = 0; e < events; ++e) config.events.push_back("e" + std::to_string(e * 7 + trial));
    const auto parsed = parse_venue_config(venue_config_json(config));
    ASSERT_TRUE(parsed.config) << parsed.error;
    EXPECT_EQ(parsed.config->id, config.id);
    EXPECT_EQ(parsed.config->name, config.name);
    EXPECT_EQ(parsed.config->events, config.events);
    EXPECT_EQ(parse_member_list(member_list(config)), config.events);
  }
}

TEST(VenueConfig, RefusesBadConfigsWithABoundedReason) {
  const std::string long_id(10'000, 'a');
  const std::vector<std::string> bad = {
      "",
      "[]",
      "{\"id\":\"geneva\",\"events\":[]}",
      "{\"id\":\"Geneva\",\"events\":[\"a\"]}",
      "{\"id\":\"geneva\",\"events\":[\"a\",\"a\"]}",
      "{\"id\":\"geneva\",\"events\":[\"a\",7]}",
      "{\"id\":\"geneva\",\"events\":[\"@a\"]}",
      "{\"id\":\"geneva\",\"events\":[\"a\"],\"colour\":\"red\"}",
      "{\"id\":\"geneva\",\"events\":\"a,b\"}",
      "{\"id\":\"" + long_id + "\",\"events\":[\"a\"]}",
      "{\"id\":\"geneva\",\"name\":\"\xFF\xFE\",\"events\":[\"a\"]}",
      "{\"id\":\"geneva\",\"name\":\"" + std::string(201, 'n') + "\",\"events\":[\"a\"]}",
      "{\"" + long_id + "\":1}",
  };
  for (const auto& text : bad) {
    const auto parsed = parse_venue_config(text);
    EXPECT_FALSE(parsed.config) << text.substr(0, 80);
    EXPECT_FALSE(parsed.error.empty());
    EXPECT_LE(parsed.error.size(), 300u);
    EXPECT_TRUE(registry::is_valid_utf8(parsed.error));
  }
  VenueConfig many = geneva();
  for (std::size_t e = 0; e < kMaxVenueEvents; ++e) many.events.push_back("x" + std::to_string(e));
  EXPECT_FALSE(parse_venue_config(venue_config_json(many)).config);
  EXPECT_FALSE(validate_venue(many).empty());
}

TEST(VenueConfig, MemberListsSkipWhatIsNoEventId) {
  EXPECT_EQ(parse_member_list(",wsis20,aifg25,"), (std::vector<std::string>{"wsis20", "aifg25"}));
  EXPECT_EQ(parse_member_list(""), std::vector<std::string>{});
  EXPECT_EQ(parse_member_list(",,A,@b,c,c,"), std::vector<std::string>{"c"});
}

TEST(VenueConfig, InfoNamesEachEvent) {
  const auto json = venue_info_json(geneva(), {{"aifg25", "AI for Good"}});
  EXPECT_EQ(json,
            "{\"id\":\"geneva\",\"name\":\"Palexpo, Genève\",\"events\":[{\"id\":\"wsis20\","
            "\"name\":\"\"},{\"id\":\"aifg25\",\"name\":\"AI for Good\"}]}");
}

}  // namespace
}  // namespace rollcall::services::venue
