#include "services/badges/badge_code.h"

#include <sodium.h>

#include <google/protobuf/util/time_util.h>

#include <iostream>
#include <map>
#include <random>
#include <set>
#include <stdexcept>

#include <gtest/gtest.h>

#include "services/badges/base32.h"

namespace rollcall::services::badges {
namespace {

using google::protobuf::util::TimeUtil;

// An event's key table, as the gateway would read it from {E}:badge_keys.
class Keys {
 public:
  void add(const KeyPair& pair, bool retired = false) {
    v1::BadgeKey key;
    key.set_key_id(pair.key_id);
    key.set_public_key(pair.public_key);
    if (retired) *key.mutable_retired_at() = TimeUtil::SecondsToTimestamp(1'700'000'000);
    keys_[pair.key_id] = key;
  }
  KeyLookup lookup() const {
    return [this](std::string_view id) -> std::optional<v1::BadgeKey> {
      ++lookups_;
      const auto it = keys_.find(std::string(id));
      if (it == keys_.end()) return std::nullopt;
      return it->second;
    };
  }
  int lookups() const { return lookups_; }

 private:
  std::map<std::string, v1::BadgeKey> keys_;
  mutable int lookups_ = 0;
};

BadgeClaim typical_claim(const KeyPair& key) {
  BadgeClaim claim;
  claim.key_id = key.key_id;
  claim.event_id = "wsis20-2025";
  claim.badge_id = "WSIS-004217";
  claim.first_day = "2025-07-07";
  claim.last_day = "2025-07-11";
  return claim;
}

// Signs arbitrary payload bytes the way sign_badge does, to build codes sign_badge refuses to.
std::string sign_raw(std::string_view payload, const KeyPair& key, bool with_context = true) {
  std::string message = with_context ? std::string(kSignatureContext) : std::string();
  message.append(payload);
  unsigned char signature[64];
  crypto_sign_ed25519_detached(signature, nullptr,
                               reinterpret_cast<const unsigned char*>(message.data()),
                               message.size(), key.secret_key.data());
  std::string bytes(payload);
  bytes.append(reinterpret_cast<const char*>(signature), 64);
  return std::string(kCodePrefix) + base32_encode(bytes);
}

std::string payload_of(const std::string& code) {
  const auto bytes = base32_decode(std::string_view(code).substr(kCodePrefix.size()));
  return bytes->substr(0, bytes->size() - 64);
}

class BadgeCodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    keys_.add(key_);
  }
  CodeCheck verify(std::string_view code, std::string_view event = "wsis20-2025") {
    return verify_badge_code(code, event, keys_.lookup());
  }

  KeyPair key_ = generate_key_pair();
  Keys keys_;
};

TEST_F(BadgeCodeTest, RoundTripsAClaimWithAndWithoutDays) {
  auto claim = typical_claim(key_);
  const auto code = sign_badge(claim, key_.secret_key);
  EXPECT_TRUE(looks_like_badge_code(code));
  auto check = verify(code);
  EXPECT_EQ(check.status, CodeStatus::ok);
  EXPECT_EQ(check.claim, claim);
  EXPECT_EQ(sign_badge(claim, key_.secret_key), code) << "Ed25519 signatures are deterministic";

  claim.first_day.clear();
  claim.last_day.clear();
  check = verify(sign_badge(claim, key_.secret_key));
  EXPECT_EQ(check.status, CodeStatus::ok);
  EXPECT_EQ(check.claim, claim);

  claim.first_day = "2025-07-09";
  check = verify(sign_badge(claim, key_.secret_key));
  EXPECT_EQ(check.claim, claim);
  claim.first_day.clear();
  claim.last_day = "2025-07-09";
  check = verify(sign_badge(claim, key_.secret_key));
  EXPECT_EQ(check.claim, claim);

  claim.event_id = std::string(255, 'e');
  claim.badge_id = "\xc3\xa9:x";  // bytes, carried as they are
  check = verify(sign_badge(claim, key_.secret_key), claim.event_id);
  EXPECT_EQ(check.status, CodeStatus::ok);
  EXPECT_EQ(check.claim, claim);
}

TEST_F(BadgeCodeTest, ATypicalCodeIsOnlyAlphanumericQrCharactersAndItsLengthIsKnown) {
  const auto code = sign_badge(typical_claim(key_), key_.secret_key);
  // payload 1 + 4 + (1 + 11) + (1 + 11) + 4 = 33 bytes, + 64 signature = 97 bytes -> 156 base32
  // characters, + "RC1:".
  EXPECT_EQ(code.size(), 160u);
  for (const char c : code) {
    const bool alphanumeric = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':';
    EXPECT_TRUE(alphanumeric) << c;
  }
  std::cout << "typical badge code (event wsis20-2025, badge WSIS-004217, 5 days): " << code.size()
            << " characters\n";
  RecordProperty("typical_code_length", static_cast<int>(code.size()));
}

TEST_F(BadgeCodeTest, RefusesEverySingleFlippedBitOfTheText) {
  const auto code = sign_badge(typical_claim(key_), key_.secret_key);
  std::map<CodeStatus, int> seen;
  for (std::size_t i = 0; i < code.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      auto altered = code;
      altered[i] = static_cast<char>(altered[i] ^ (1 << bit));
      const auto check = verify(altered);
      ASSERT_NE(check.status, CodeStatus::ok) << "char " << i << " bit " << bit << ": " << altered;
      ++seen[check.status];
    }
  }
  EXPECT_EQ(seen[CodeStatus::malformed] + seen[CodeStatus::unknown_key] +
                seen[CodeStatus::invalid_signature],
            static_cast<int>(code.size() * 8));
  EXPECT_GT(seen[CodeStatus::invalid_signature], 0);
}

TEST_F(BadgeCodeTest, RefusesEverySingleFlippedBitOfTheSignedBytes) {
  const auto code = sign_badge(typical_claim(key_), key_.secret_key);
  const auto bytes = *base32_decode(std::string_view(code).substr(kCodePrefix.size()));
  // A lookup that answers the genuine key for any id: the key id is covered by the signature too.
  const auto any_id = [this](std::string_view) -> std::optional<v1::BadgeKey> {
    v1::BadgeKey key;
    key.set_key_id(key_.key_id);
    key.set_public_key(key_.public_key);
    return key;
  };
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      auto altered = bytes;
      altered[i] = static_cast<char>(altered[i] ^ (1 << bit));
      const auto text = std::string(kCodePrefix) + base32_encode(altered);
      const auto check = verify_badge_code(text, "wsis20-2025", any_id);
      ASSERT_TRUE(check.status == CodeStatus::invalid_signature ||
                  check.status == CodeStatus::malformed)
          << "byte " << i << " bit " << bit << ": " << code_status_name(check.status);
      EXPECT_TRUE(check.claim.event_id.empty() && check.claim.badge_id.empty())
          << "an unproven claim must not be handed out";
    }
  }
}

TEST_F(BadgeCodeTest, ACodeFromAnotherKeyIsUnknownOrForged) {
  const auto other = generate_key_pair();
  auto claim = typical_claim(other);
  const auto code = sign_badge(claim, other.secret_key);
  auto check = verify(code);
  EXPECT_EQ(check.status, CodeStatus::unknown_key);
  EXPECT_EQ(check.claim.key_id, other.key_id);
  EXPECT_TRUE(check.claim.badge_id.empty());

  // Someone who copies a genuine key id into a code signed with their own key: forged.
  claim.key_id = key_.key_id;
  const auto payload = payload_of(sign_badge(claim, key_.secret_key));
  check = verify(sign_raw(payload, other));
  EXPECT_EQ(check.status, CodeStatus::invalid_signature);
  EXPECT_TRUE(check.claim.badge_id.empty());

  // A stored key with a public key of the wrong size cannot vouch for anything.
  const auto broken = [](std::string_view id) -> std::optional<v1::BadgeKey> {
    v1::BadgeKey key;
    key.set_key_id(std::string(id));
    key.set_public_key("short");
    return key;
  };
  EXPECT_EQ(verify_badge_code(code, "wsis20-2025", broken).status, CodeStatus::unknown_key);
}

TEST_F(BadgeCodeTest, ARetiredKeyIsRefusedButItsCodesAreStillRecognised) {
  const auto old_key = generate_key_pair();
  keys_.add(old_key, /*retired=*/true);
  const auto claim = typical_claim(old_key);
  const auto check = verify(sign_badge(claim, old_key.secret_key));
  EXPECT_EQ(check.status, CodeStatus::retired_key);
  EXPECT_EQ(check.claim, claim);

  // A forged code under a retired key id is reported as forged, not as retired.
  auto forged = sign_badge(claim, old_key.secret_key);
  forged[forged.size() - 10] = forged[forged.size() - 10] == 'A' ? 'B' : 'A';
  EXPECT_EQ(verify(forged).status, CodeStatus::invalid_signature);
}

TEST_F(BadgeCodeTest, AGenuineCodeForAnotherEventIsWrongEvent) {
  const auto claim = typical_claim(key_);
  const auto check = verify(sign_badge(claim, key_.secret_key), "igf-2025");
  EXPECT_EQ(check.status, CodeStatus::wrong_event);
  EXPECT_EQ(check.claim, claim);
  EXPECT_EQ(verify(sign_badge(claim, key_.secret_key), "wsis20-2025x").status,
            CodeStatus::wrong_event);
}

TEST_F(BadgeCodeTest, RefusesTruncatedAndOverlongCodes) {
  const auto code = sign_badge(typical_claim(key_), key_.secret_key);
  for (std::size_t length = 0; length < code.size(); ++length) {
    ASSERT_NE(verify(code.substr(0, length)).status, CodeStatus::ok) << length;
  }
  for (const std::string& tail : std::vector<std::string>{"A", "AA", "AAA", "AAAAAAAA", "=", "\n",
                                                          " ", std::string(1, '\0')}) {
    EXPECT_NE(verify(code + tail).status, CodeStatus::ok) << tail;
  }
  // Extra bytes inside the signed payload: well signed, but not a payload sign_badge writes.
  EXPECT_EQ(verify(sign_raw(payload_of(code) + "x", key_)).status, CodeStatus::malformed);
  // Extra bytes after the signature shift the signature: forged.
  auto bytes = *base32_decode(std::string_view(code).substr(kCodePrefix.size()));
  EXPECT_NE(verify(std::string(kCodePrefix) + base32_encode(bytes + "xyz")).status, CodeStatus::ok);

  const int before = keys_.lookups();
  EXPECT_EQ(verify(code + std::string(kMaxCodeLength, 'A')).status, CodeStatus::malformed);
  EXPECT_EQ(keys_.lookups(), before) << "a huge text is refused before any work";
}

TEST_F(BadgeCodeTest, RefusesGarbageWithoutThrowing) {
  for (const std::string& text : std::vector<std::string>{
           "", "RC1", "RC1:", "rc1:MZXW6", "RC2:MZXW6", "RC1:====", "RC1:MZXW6YTBOI", "WSIS-004217",
           std::string("RC1:\0\0\0", 7), "RC1:\xc3\xa9\xc3\xa9", std::string(2000, 'A')}) {
    EXPECT_EQ(verify(text).status, CodeStatus::malformed) << text;
  }
  std::mt19937 random(11);
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  for (int round = 0; round < 20000; ++round) {
    std::string text(kCodePrefix);
    const std::size_t length = random() % 220;
    for (std::size_t i = 0; i < length; ++i) {
      text.push_back(round % 2 ? alphabet[random() % 32] : static_cast<char>(random()));
    }
    ASSERT_NE(verify(text).status, CodeStatus::ok) << text;
  }
}

TEST_F(BadgeCodeTest, RefusesPayloadsAnIssuerCannotProduceEvenWhenSigned) {
  const auto payload = payload_of(sign_badge(typical_claim(key_), key_.secret_key));
  auto altered = payload;
  altered[0] = 2;  // version
  EXPECT_EQ(verify(sign_raw(altered, key_)).status, CodeStatus::malformed);
  // First day after last day.
  altered = payload;
  altered[altered.size() - 4] = static_cast<char>(0x7F);
  EXPECT_EQ(verify(sign_raw(altered, key_)).status, CodeStatus::malformed);
  // 0xFFFF as a first day, 0 as a last day.
  altered = payload;
  altered[altered.size() - 4] = altered[altered.size() - 3] = static_cast<char>(0xFF);
  altered[altered.size() - 2] = altered[altered.size() - 1] = static_cast<char>(0xFF);
  EXPECT_EQ(verify(sign_raw(altered, key_)).status, CodeStatus::malformed);
  altered = payload;
  altered[altered.size() - 4] = altered[altered.size() - 3] = 0;
  altered[altered.size() - 2] = altered[altered.size() - 1] = 0;
  EXPECT_EQ(verify(sign_raw(altered, key_)).status, CodeStatus::malformed);
  // An empty badge id: event id length byte, event id, then a zero length.
  altered =
      payload.substr(0, 5 + 1 + 11) + std::string(1, '\0') + payload.substr(payload.size() - 4);
  EXPECT_EQ(verify(sign_raw(altered, key_)).status, CodeStatus::malformed);
  // A length byte that runs past the end.
  altered = payload;
  altered[5 + 1 + 11] = static_cast<char>(200);
  EXPECT_EQ(verify(sign_raw(altered, key_)).status, CodeStatus::malformed);
}

TEST_F(BadgeCodeTest, TheSignatureCoversTheContextString) {
  const auto payload = payload_of(sign_badge(typical_claim(key_), key_.secret_key));
  EXPECT_EQ(verify(sign_raw(payload, key_, /*with_context=*/false)).status,
            CodeStatus::invalid_signature);
  EXPECT_EQ(verify(sign_raw(payload, key_)).status, CodeStatus::ok);
}

TEST_F(BadgeCodeTest, AFailingKeyLookupIsNotMistakenForAnUnknownKey) {
  const auto code = sign_badge(typical_claim(key_), key_.secret_key);
  const auto failing = [](std::string_view) -> std::optional<v1::BadgeKey> {
    throw std::runtime_error("redis is down");
  };
  EXPECT_THROW(verify_badge_code(code, "wsis20-2025", failing), std::runtime_error);
}

TEST_F(BadgeCodeTest, SigningRefusesClaimsThatCannotBeEncoded) {
  const auto good = typical_claim(key_);
  const auto refuses = [this](BadgeClaim claim) {
    EXPECT_THROW(sign_badge(claim, key_.secret_key), std::invalid_argument)
        << claim.key_id << " " << claim.badge_id << " " << claim.first_day << " " << claim.last_day;
  };
  auto claim = good;
  claim.key_id = generate_key_pair().key_id;  // not this secret key's id
  refuses(claim);
  claim.key_id = "1234567";
  refuses(claim);
  claim.key_id = "ABCDEF01";
  refuses(claim);
  claim = good;
  claim.badge_id.clear();
  refuses(claim);
  claim.badge_id = std::string(256, 'b');
  refuses(claim);
  claim = good;
  claim.event_id.clear();
  refuses(claim);
  for (const auto& [first, last] :
       std::vector<std::pair<std::string, std::string>>{{"2025-07-12", "2025-07-11"},
                                                        {"1970-01-01", ""},
                                                        {"", "2149-06-06"},
                                                        {"2025-02-30", ""},
                                                        {"", "tomorrow"}}) {
    claim = good;
    claim.first_day = first;
    claim.last_day = last;
    refuses(claim);
  }
  claim = good;
  claim.first_day = claim.last_day = "2025-07-08";  // a one-day badge is fine
  EXPECT_EQ(verify(sign_badge(claim, key_.secret_key)).status, CodeStatus::ok);
}

TEST(ValidOnTest, ChecksTheDayAgainstTheClaimedRange) {
  BadgeClaim claim;
  EXPECT_TRUE(valid_on(claim, "2025-07-07"));
  EXPECT_FALSE(valid_on(claim, "07/07/2025"));
  claim.first_day = "2025-07-07";
  EXPECT_FALSE(valid_on(claim, "2025-07-06"));
  EXPECT_TRUE(valid_on(claim, "2025-07-07"));
  EXPECT_TRUE(valid_on(claim, "2031-01-01"));
  claim.last_day = "2025-07-11";
  EXPECT_TRUE(valid_on(claim, "2025-07-11"));
  EXPECT_FALSE(valid_on(claim, "2025-07-12"));
  claim.first_day.clear();
  EXPECT_TRUE(valid_on(claim, "1999-12-31"));
  EXPECT_FALSE(valid_on(claim, "2026-01-01"));
}

TEST(CodeStatusTest, NamesEveryStatus) {
  std::set<std::string> names;
  for (const auto status :
       {CodeStatus::ok, CodeStatus::malformed, CodeStatus::unknown_key, CodeStatus::retired_key,
        CodeStatus::invalid_signature, CodeStatus::wrong_event}) {
    names.insert(code_status_name(status));
  }
  EXPECT_EQ(names, (std::set<std::string>{"ok", "malformed", "unknown_key", "retired_key",
                                          "invalid_signature", "wrong_event"}));
}

}  // namespace
}  // namespace rollcall::services::badges
