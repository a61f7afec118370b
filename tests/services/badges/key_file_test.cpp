#include "services/badges/key_file.h"

#include <gtest/gtest.h>

#include "services/badges/badge_code.h"

namespace rollcall::services::badges {
namespace {

#define EXPECT_CONTAINS(text, part) \
  EXPECT_NE((text).find(part), std::string::npos) << "looking for: " << (part) << "\nin: " << (text)

std::string replace_line(std::string text, const std::string& field, const std::string& line) {
  const auto start = text.find("\n" + field + ":") + 1;
  const auto end = text.find('\n', start);
  return text.replace(start, end - start, line);
}

TEST(KeyPairTest, KeyIdsComeFromThePublicKey) {
  const auto a = generate_key_pair();
  const auto b = generate_key_pair();
  EXPECT_EQ(a.key_id.size(), 8u);
  EXPECT_EQ(a.key_id.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a.key_id, b.key_id);
  EXPECT_EQ(a.key_id, key_id_for(a.public_key));
  EXPECT_EQ(a.public_key.size(), 32u);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(a.secret_key.data()) + 32, 32), a.public_key);
}

TEST(KeyPairTest, ASecretKeyWhosePublicHalfDoesNotMatchItsSeedIsRefused) {
  const auto pair = generate_key_pair();
  auto secret = pair.secret_key;
  const auto back = key_pair_from_secret(secret);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->key_id, pair.key_id);
  EXPECT_EQ(back->public_key, pair.public_key);
  secret[40] ^= 1;
  EXPECT_FALSE(key_pair_from_secret(secret));
}

TEST(KeyFileTest, RoundTripsAndSignsCodesThatVerify) {
  const auto pair = generate_key_pair();
  const auto text = format_key_file("wsis20-2025", pair);
  EXPECT_CONTAINS(text, "key_id: " + pair.key_id + "\n");
  EXPECT_CONTAINS(text, "event: wsis20-2025\n");
  std::string error;
  const auto file = parse_key_file(text, &error);
  ASSERT_TRUE(file) << error;
  EXPECT_EQ(file->event_id, "wsis20-2025");
  EXPECT_EQ(file->key.key_id, pair.key_id);
  EXPECT_EQ(file->key.public_key, pair.public_key);
  EXPECT_EQ(file->key.secret_key, pair.secret_key);

  // Windows line ends and extra spaces are tolerated.
  std::string crlf;
  for (const char c : text) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  EXPECT_TRUE(parse_key_file(crlf, &error)) << error;
}

TEST(KeyFileTest, RefusesDamagedOrForeignFilesWithAReason) {
  const auto pair = generate_key_pair();
  const auto text = format_key_file("ev", pair);
  const auto refused = [](const std::string& bad, const std::string& why) {
    std::string error;
    EXPECT_FALSE(parse_key_file(bad, &error)) << bad;
    EXPECT_CONTAINS(error, why);
  };
  refused("", "no \"format\" line");
  refused("hello\n", "line 1 is not \"field: value\"");
  refused(text + "colour: blue\n", "unknown field \"colour\"");
  refused(text + "event: other\n", "\"event\" given twice");
  refused(replace_line(text, "format", "format: rollcall-badge-key-v2"), "is not rollcall-badge");
  refused(replace_line(text, "key_id", "key_id: " + generate_key_pair().key_id),
          "does not belong to this secret key");
  refused(replace_line(text, "secret_key", "secret_key: abcd"), "not 128 hex digits");
  refused(replace_line(text, "secret_key", "secret_key: " + std::string(128, 'g')),
          "not 128 hex digits");
  // One changed hex digit in the public half: the key no longer matches its seed.
  auto damaged = text;
  const auto at = damaged.find("secret_key: ") + 12 + 100;
  damaged[at] = damaged[at] == '0' ? '1' : '0';
  refused(damaged, "damaged");
}

}  // namespace
}  // namespace rollcall::services::badges
