#include "services/auth/ticket.h"

#include <sodium.h>

#include <array>
#include <stdexcept>

namespace rollcall::services::auth {
namespace {

constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

void ensure_sodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

std::string to_base64(std::string_view bytes) {
  std::string text(sodium_base64_ENCODED_LEN(bytes.size(), kVariant), '\0');
  sodium_bin2base64(text.data(), text.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), kVariant);
  text.resize(text.find('\0'));
  return text;
}

// Strict: the whole text, and only the canonical encoding of its bytes (so no two texts carry
// the same bytes).
std::optional<std::string> from_base64(std::string_view text) {
  std::string bytes(text.size() * 3 / 4 + 1, '\0');
  std::size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), text.data(),
                        text.size(), nullptr, &length, nullptr, kVariant) != 0) {
    return std::nullopt;
  }
  bytes.resize(length);
  if (to_base64(bytes) != text) return std::nullopt;
  return bytes;
}

std::array<unsigned char, crypto_auth_BYTES> mac_of(std::string_view signed_text,
                                                    std::string_view key) {
  std::array<unsigned char, crypto_auth_BYTES> mac{};
  crypto_auth(mac.data(), reinterpret_cast<const unsigned char*>(signed_text.data()),
              signed_text.size(), reinterpret_cast<const unsigned char*>(key.data()));
  return mac;
}

}  // namespace

std::string generate_ticket_key() {
  ensure_sodium();
  std::array<unsigned char, kTicketKeyBytes> key{};
  crypto_auth_keygen(key.data());
  std::string hex(key.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), key.data(), key.size());
  hex.pop_back();
  sodium_memzero(key.data(), key.size());
  return hex;
}

std::optional<std::string> ticket_key_bytes(std::string_view hex) {
  if (hex.size() != kTicketKeyBytes * 2) return std::nullopt;
  std::string key(kTicketKeyBytes, '\0');
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(key.data()), key.size(), hex.data(),
                     hex.size(), nullptr, &length, &end) != 0 ||
      length != kTicketKeyBytes || end != hex.data() + hex.size()) {
    return std::nullopt;
  }
  return key;
}

std::string sign_ticket(const v1::BeaconTicket& claims, std::string_view key) {
  ensure_sodium();
  static_assert(crypto_auth_KEYBYTES == kTicketKeyBytes);
  if (key.size() != kTicketKeyBytes) throw std::invalid_argument("a ticket key has 32 bytes");
  std::string text(kTicketPrefix);
  text += to_base64(claims.SerializeAsString());
  const auto mac = mac_of(text, key);
  text += '.';
  text += to_base64(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
  return text;
}

TicketCheck check_ticket(std::string_view ticket, std::string_view key, std::string_view event_id,
                         std::int64_t now_s) {
  ensure_sodium();
  TicketCheck check;
  if (ticket.size() > kMaxTicketLength || !ticket.starts_with(kTicketPrefix)) return check;
  const auto dot = ticket.rfind('.');
  if (dot == std::string_view::npos || dot < kTicketPrefix.size()) return check;
  const auto signed_text = ticket.substr(0, dot);
  const auto payload = from_base64(signed_text.substr(kTicketPrefix.size()));
  const auto mac = from_base64(ticket.substr(dot + 1));
  if (!payload || !mac || mac->size() != crypto_auth_BYTES) return check;

  check.verdict = TicketVerdict::forged;
  if (key.size() != kTicketKeyBytes ||
      crypto_auth_verify(reinterpret_cast<const unsigned char*>(mac->data()),
                         reinterpret_cast<const unsigned char*>(signed_text.data()),
                         signed_text.size(),
                         reinterpret_cast<const unsigned char*>(key.data())) != 0) {
    return check;
  }

  // Genuine from here on: what follows catches issuer bugs and the passing of time.
  check.verdict = TicketVerdict::malformed;
  if (!check.claims.ParseFromString(*payload) || check.claims.participant_id().empty() ||
      check.claims.expires_at() <= check.claims.issued_at() ||
      check.claims.expires_at() - check.claims.issued_at() > kMaxTicketLifetimeSeconds) {
    return check;
  }
  if (check.claims.event_id() != event_id) {
    check.verdict = TicketVerdict::other_event;
  } else if (check.claims.issued_at() > now_s + kTicketClockSkewSeconds) {
    check.verdict = TicketVerdict::not_yet_valid;
  } else if (check.claims.expires_at() <= now_s) {
    check.verdict = TicketVerdict::expired;
  } else {
    check.verdict = TicketVerdict::ok;
  }
  return check;
}

const char* ticket_verdict_name(TicketVerdict verdict) {
  switch (verdict) {
    case TicketVerdict::ok:
      return "ok";
    case TicketVerdict::malformed:
      return "malformed";
    case TicketVerdict::forged:
      return "forged";
    case TicketVerdict::other_event:
      return "other_event";
    case TicketVerdict::expired:
      return "expired";
    case TicketVerdict::not_yet_valid:
      return "not_yet_valid";
  }
  return "malformed";
}

}  // namespace rollcall::services::auth
