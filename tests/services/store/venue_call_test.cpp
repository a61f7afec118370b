// A venue's hash, its place among the venues and its linked persons.
#include "services/store/venue_call.h"

#include <gtest/gtest.h>

#include "tests/services/store/reply_shapes.h"

namespace rollcall::services::store {
namespace {

using namespace shapes;
using Args = std::vector<std::string>;

TEST(VenueCall, BuildersNameTheVenuesSlot) {
  EXPECT_EQ(venue_write("g", "{}", ",a,b,"),
            (Args{"HSET", "{@g}:venue", "config", "{}", "events", ",a,b,"}));
  EXPECT_EQ(venue_register("g"), (Args{"SADD", "rollcall:venues", "g"}));
  EXPECT_EQ(venue_person_write("g", "p", "CH"), (Args{"HSET", "{@g}:persons", "p", "CH"}));
  EXPECT_EQ(venue_persons_read("g"), (Args{"HGETALL", "{@g}:persons"}));
  EXPECT_EQ(venue_persons_count_read("g"), (Args{"HLEN", "{@g}:persons"}));
  for (std::size_t n = 0; n < 30; ++n) {
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < n; ++i) ids.push_back("p" + std::to_string(i));
    const auto lookup = venue_persons_lookup("g", ids);
    ASSERT_EQ(lookup.size(), 2 + n);
    EXPECT_EQ(lookup[0], "HMGET");
    EXPECT_TRUE(std::equal(ids.begin(), ids.end(), lookup.begin() + 2));
  }
}

TEST(VenueCall, LookupNeedsOneCountryOrNilPerPerson) {
  const auto read = read_venue_persons_lookup(array({text("CH"), nil(), text("")}), 3);
  ASSERT_TRUE(read);
  EXPECT_EQ((*read)[0], "CH");
  EXPECT_FALSE((*read)[1]);
  EXPECT_EQ((*read)[2], "");
  for (std::size_t asked = 0; asked < 5; ++asked) {
    for (const auto& reply : basic_wrong_shapes()) {
      expect_refused(read_venue_persons_lookup(reply, asked), reply);
    }
    // One too many or too few.
    const auto more = array(std::vector<Reply>(asked + 1, text("CH")));
    expect_refused(read_venue_persons_lookup(more, asked), more);
    if (asked > 0) {
      const auto fewer = array(std::vector<Reply>(asked - 1, text("CH")));
      expect_refused(read_venue_persons_lookup(fewer, asked), fewer);
      // A nested array or an integer where a country belongs.
      auto nested = std::vector<Reply>(asked, nil());
      nested[asked - 1] = array({});
      expect_refused(read_venue_persons_lookup(array(nested), asked), array(nested));
      nested[asked - 1] = integer(1);
      expect_refused(read_venue_persons_lookup(array(nested), asked), array(nested));
    }
  }
  random_replies_through([](const Reply& r) { return read_venue_persons_lookup(r, 2); }, 41);
}

}  // namespace
}  // namespace rollcall::services::store
