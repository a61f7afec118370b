#include "services/auth/ticket.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <set>

namespace rollcall::services::auth {
namespace {

constexpr std::int64_t kNow = 1751871600;  // 2025-07-07T07:00:00Z

std::string key_of(char fill) {
  return std::string(kTicketKeyBytes, fill);
}

v1::BeaconTicket claims(std::string participant = "p-42@example.org") {
  v1::BeaconTicket c;
  c.set_event_id("igf-2025");
  c.set_participant_id(std::move(participant));
  c.set_badge_id("RC25-001999");
  c.set_country("KE");
  c.set_category("youth");
  c.set_issued_at(kNow - 60);
  c.set_expires_at(kNow + 8 * 3600);
  return c;
}

TicketVerdict verdict(std::string_view ticket, std::string_view key = key_of('k'),
                      std::string_view event = "igf-2025", std::int64_t now = kNow) {
  return check_ticket(ticket, key, event, now).verdict;
}

// Unpadded base64url, written here from RFC 4648 rather than taken from the code under test.
std::string base64url(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16 |
                       static_cast<unsigned char>(bytes[i + 1]) << 8 |
                       static_cast<unsigned char>(bytes[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  if (bytes.size() - i == 1) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (bytes.size() - i == 2) {
    const unsigned v =
        static_cast<unsigned char>(bytes[i]) << 16 | static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

TEST(Ticket, IsTheDocumentedHmacSha512256OverPrefixAndClaims) {
  const auto key = key_of('k');
  const auto ticket = sign_ticket(claims(), key);
  // Made again with OpenSSL: HMAC-SHA-512 truncated to 32 bytes (libsodium's crypto_auth).
  const auto signed_text = "rt1." + base64url(claims().SerializeAsString());
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha512(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size(), mac,
       &length);
  ASSERT_EQ(length, 64u);
  EXPECT_EQ(ticket,
            signed_text + "." + base64url(std::string_view(reinterpret_cast<char*>(mac), 32)));
  EXPECT_LE(ticket.size(), kMaxTicketLength);
  // Safe in a query string and as a subprotocol token: base64url and dots only.
  for (const char c : ticket) {
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')
        << ticket;
  }
}

TEST(Ticket, AGenuineTicketGivesItsClaims) {
  const auto check =
      check_ticket(sign_ticket(claims(), key_of('k')), key_of('k'), "igf-2025", kNow);
  ASSERT_EQ(check.verdict, TicketVerdict::ok);
  EXPECT_EQ(check.claims.participant_id(), "p-42@example.org");
  EXPECT_EQ(check.claims.badge_id(), "RC25-001999");
  EXPECT_EQ(check.claims.country(), "KE");
  EXPECT_EQ(check.claims.category(), "youth");
}

TEST(Ticket, EverySingleCharacterAlteredTruncatedOrExtendedIsRefused) {
  const auto ticket = sign_ticket(claims(), key_of('k'));
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ \x01\xff";
  int variants = 0;
  for (std::size_t i = 0; i < ticket.size(); ++i) {
    for (const char c : kAlphabet) {
      if (c == ticket[i]) continue;
      auto altered = ticket;
      altered[i] = c;
      EXPECT_NE(verdict(altered), TicketVerdict::ok) << altered;
      ++variants;
    }
    EXPECT_NE(verdict(ticket.substr(0, i)), TicketVerdict::ok) << i;
    auto without = ticket;
    without.erase(i, 1);
    EXPECT_NE(verdict(without), TicketVerdict::ok) << without;
    variants += 2;
  }
  for (const char c : kAlphabet) {
    EXPECT_NE(verdict(ticket + c), TicketVerdict::ok);
    EXPECT_NE(verdict(std::string(1, c) + ticket), TicketVerdict::ok);
    variants += 2;
  }
  // Every position of a ~140-byte ticket with every character: some ten thousand variants.
  EXPECT_EQ(variants,
            static_cast<int>(ticket.size() * (kAlphabet.size() + 1) + 2 * kAlphabet.size()));
  EXPECT_GT(variants, 9000);
}

TEST(Ticket, AnotherKeyEventParticipantOrTimeIsRefused) {
  const auto ticket = sign_ticket(claims(), key_of('k'));
  EXPECT_EQ(verdict(ticket, key_of('j')), TicketVerdict::forged);
  EXPECT_EQ(verdict(ticket, ""), TicketVerdict::forged);
  EXPECT_EQ(verdict(ticket, key_of('k').substr(1)), TicketVerdict::forged);
  EXPECT_EQ(verdict(ticket, key_of('k'), "igf-2026"), TicketVerdict::other_event);
  EXPECT_EQ(verdict(ticket, key_of('k'), "igf-2025", kNow + 8 * 3600), TicketVerdict::expired);
  EXPECT_EQ(verdict(ticket, key_of('k'), "igf-2025", kNow + 8 * 3600 - 1), TicketVerdict::ok);

  auto future = claims();
  future.set_issued_at(kNow + kTicketClockSkewSeconds + 1);
  future.set_expires_at(kNow + 3600 * 2);
  EXPECT_EQ(verdict(sign_ticket(future, key_of('k'))), TicketVerdict::not_yet_valid);
  future.set_issued_at(kNow + kTicketClockSkewSeconds);  // within the skew
  EXPECT_EQ(verdict(sign_ticket(future, key_of('k'))), TicketVerdict::ok);

  // Claims no issuer writes, even when MACed with the right key.
  auto forever = claims();
  forever.set_expires_at(forever.issued_at() + kMaxTicketLifetimeSeconds + 1);
  EXPECT_EQ(verdict(sign_ticket(forever, key_of('k'))), TicketVerdict::malformed);
  auto backwards = claims();
  backwards.set_expires_at(backwards.issued_at());
  EXPECT_EQ(verdict(sign_ticket(backwards, key_of('k'))), TicketVerdict::malformed);
  EXPECT_EQ(verdict(sign_ticket(claims(""), key_of('k'))), TicketVerdict::malformed);
}

TEST(Ticket, ShapesThatAreNoTicketAreMalformed) {
  const auto ticket = sign_ticket(claims(), key_of('k'));
  for (const std::string text :
       {std::string(), std::string("rt1."), std::string("rt1.."), std::string("rt1.abc"),
        std::string("rc_") + ticket.substr(3), std::string("RT1.") + ticket.substr(4),
        "rt1.%%%." + ticket.substr(ticket.rfind('.') + 1), ticket + "." + ticket,
        std::string(100 * 1024, 'A'), "rt1." + std::string(100 * 1024, 'A') + ".AAAA",
        std::string("rt1.\xc3\x28\xa0\xa1.\xf0\x28\x8c\xbc"), std::string("rt1.\0\0.\0", 8)}) {
    EXPECT_NE(verdict(text), TicketVerdict::ok) << text.substr(0, 64);
  }
  EXPECT_EQ(verdict(std::string(kMaxTicketLength + 1, 'A')), TicketVerdict::malformed);
  // A non-canonical encoding of the same MAC (other trailing bits) is not the same ticket.
  auto loose = ticket;
  const char last = loose.back();
  loose.back() = static_cast<char>(last == 'A' ? 'B' : last - 1);
  EXPECT_NE(verdict(loose), TicketVerdict::ok);
}

TEST(TicketKey, IsRandomHexOf32Bytes) {
  std::set<std::string> keys;
  for (int i = 0; i < 20; ++i) {
    const auto hex = generate_ticket_key();
    EXPECT_EQ(hex.size(), 64u);
    const auto bytes = ticket_key_bytes(hex);
    ASSERT_TRUE(bytes);
    EXPECT_EQ(bytes->size(), kTicketKeyBytes);
    keys.insert(hex);
  }
  EXPECT_EQ(keys.size(), 20u);
  EXPECT_EQ(ticket_key_bytes(""), std::nullopt);
  EXPECT_EQ(ticket_key_bytes(std::string(63, 'a')), std::nullopt);
  EXPECT_EQ(ticket_key_bytes(std::string(64, 'g')), std::nullopt);
  EXPECT_EQ(ticket_key_bytes(std::string(66, 'a')), std::nullopt);
  EXPECT_EQ(ticket_key_bytes(std::string(64, 'a')), std::string(32, '\xaa'));
}

}  // namespace
}  // namespace rollcall::services::auth
