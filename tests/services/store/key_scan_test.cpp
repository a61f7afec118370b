// SCAN and HSCAN pagers: pages in, the next command out, every key once, a wrong page stops them.
#include "services/store/key_scan.h"

#include <gtest/gtest.h>

#include "services/store/registry_reader.h"
#include "tests/services/store/reply_shapes.h"

namespace rollcall::services::store {
namespace {

using namespace shapes;
using Args = std::vector<std::string>;

Reply scan_page(const std::string& cursor, const std::vector<std::string>& items) {
  return array({text(cursor), texts(items)});
}

TEST(KeyScan, BuildersAndTheRegistryScanShareOneCommand) {
  EXPECT_EQ(key_scan_read("{ev}:*", "17"),
            (Args{"SCAN", "17", "MATCH", "{ev}:*", "COUNT", "1000"}));
  EXPECT_EQ(hash_scan_read("h", "0"), (Args{"HSCAN", "h", "0", "COUNT", "1000"}));
  EXPECT_EQ(badge_scan_read("ev", "5"), key_scan_read("{ev}:badge:*", "5"));
}

// Generated page sequences, with keys repeated across pages: each key once, sorted.
TEST(KeyScan, KeyPagerWalksEveryPageAndKeepsEachKeyOnce) {
  std::mt19937_64 random(7);
  for (int round = 0; round < 200; ++round) {
    KeyScanPager pager("{ev}:*");
    std::set<std::string> expected;
    const int pages = 1 + static_cast<int>(random() % 6);
    for (int p = 0; p < pages; ++p) {
      const auto command = pager.next();
      ASSERT_TRUE(command);
      EXPECT_EQ((*command)[1], p == 0 ? "0" : std::to_string(100 + p - 1));
      std::vector<std::string> keys;
      for (int k = static_cast<int>(random() % 5); k > 0; --k) {
        keys.push_back("{ev}:k" + std::to_string(random() % 12));
        expected.insert(keys.back());
      }
      const bool last = p == pages - 1;
      ASSERT_TRUE(pager.take(scan_page(last ? "0" : std::to_string(100 + p), keys)));
    }
    EXPECT_FALSE(pager.next());
    EXPECT_EQ(pager.keys(), Args(expected.begin(), expected.end()));
  }
}

TEST(KeyScan, HashPagerKeepsFieldsInOrder) {
  HashScanPager pager("h");
  ASSERT_TRUE(pager.take(scan_page("3", {"a", "1", "b", "2"})));
  EXPECT_EQ((*pager.next())[2], "3");
  ASSERT_TRUE(pager.take(scan_page("0", {"c", ""})));
  EXPECT_FALSE(pager.next());
  EXPECT_EQ(pager.fields(),
            (std::vector<std::pair<std::string, std::string>>{{"a", "1"}, {"b", "2"}, {"c", ""}}));
}

TEST(KeyScan, WrongPagesAreRefusedAndStopThePager) {
  std::vector<Reply> bad = basic_wrong_shapes();
  bad.push_back(array({}));
  bad.push_back(array({text("0")}));
  bad.push_back(array({text("x"), texts({})}));       // a cursor that is no number
  bad.push_back(array({integer(0), texts({})}));      // a cursor that is no text
  bad.push_back(array({text("0"), text("k")}));       // keys that are no array
  bad.push_back(array({text("0"), array({nil()})}));  // a nil key
  bad.push_back(array({text("0"), texts({}), texts({})}));
  for (const auto& reply : bad) {
    expect_refused(read_key_scan(reply), reply);
    expect_refused(read_hash_scan(reply), reply);
    KeyScanPager keys("*");
    expect_refused(keys.take(reply), reply);
    EXPECT_FALSE(keys.next());
    HashScanPager fields("h");
    expect_refused(fields.take(reply), reply);
    EXPECT_FALSE(fields.next());
  }
  const auto odd = scan_page("0", {"a", "1", "b"});
  expect_refused(read_hash_scan(odd), odd);
}

TEST(KeyScan, RandomRepliesNeverCrashAParser) {
  random_replies_through([](const Reply& r) { return read_key_scan(r); }, 11);
  random_replies_through([](const Reply& r) { return read_hash_scan(r); }, 12);
}

}  // namespace
}  // namespace rollcall::services::store
