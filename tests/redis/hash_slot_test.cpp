#include "redis/hash_slot.h"

#include <gtest/gtest.h>

namespace rollcall::tests::redis {
namespace {

namespace rr = rollcall::redis;

// The test vectors of the Redis Cluster specification.
TEST(HashSlot, Crc16OfTheSpecification) {
  EXPECT_EQ(rr::crc16("123456789"), 0x31C3);
  EXPECT_EQ(rr::crc16(""), 0);
}

TEST(HashSlot, HashTagsPutKeysInOneSlot) {
  EXPECT_EQ(rr::key_slot("{user1000}.following"), rr::key_slot("{user1000}.followers"));
  EXPECT_EQ(rr::key_slot("{user1000}.following"), rr::key_slot("user1000"));
  // Only the first '{' counts, and an empty tag is no tag: the whole key is hashed.
  EXPECT_EQ(rr::key_slot("foo{}{bar}"), rr::crc16("foo{}{bar}") % rr::kSlotCount);
  EXPECT_EQ(rr::key_slot("foo{{bar}}zap"), rr::key_slot("{bar"));
  EXPECT_EQ(rr::key_slot("foo{bar}{zap}"), rr::key_slot("bar"));
  EXPECT_EQ(rr::key_slot("no tag {"), rr::crc16("no tag {") % rr::kSlotCount);
}

TEST(HashSlot, KnownSlots) {
  // As CLUSTER KEYSLOT answers on Redis 7.
  EXPECT_EQ(rr::key_slot("foo"), 12182);
  EXPECT_EQ(rr::key_slot("bar"), 5061);
  EXPECT_EQ(rr::key_slot("123456789"), 0x31C3 % 16384);
}

}  // namespace
}  // namespace rollcall::tests::redis
