#include "services/badges/badge_code.h"

#include <sodium.h>

#include <array>
#include <stdexcept>

#include "services/badges/badge_day.h"
#include "services/badges/base32.h"

namespace rollcall::services::badges {
namespace {

constexpr unsigned char kVersion = 1;
constexpr std::size_t kKeyIdBytes = 4;
constexpr std::size_t kSignatureBytes = crypto_sign_ed25519_BYTES;
constexpr std::size_t kMaxIdBytes = 255;
constexpr unsigned kUnboundedFirst = 0, kUnboundedLast = 0xFFFF;

void ensure_sodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

std::optional<std::string> key_id_bytes(std::string_view key_id) {
  if (key_id.size() != kKeyIdBytes * 2) return std::nullopt;
  std::string bytes;
  for (std::size_t i = 0; i < key_id.size(); i += 2) {
    int value = 0;
    for (std::size_t j = i; j < i + 2; ++j) {
      const char c = key_id[j];
      int digit = -1;
      if (c >= '0' && c <= '9') digit = c - '0';
      if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
      if (digit < 0) return std::nullopt;  // lower case only: one spelling per key id
      value = value * 16 + digit;
    }
    bytes.push_back(static_cast<char>(value));
  }
  return bytes;
}

std::string key_id_text(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  for (const char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    text.push_back(kHex[u >> 4]);
    text.push_back(kHex[u & 0xF]);
  }
  return text;
}

// A claim's day as its code number; `unbounded` for an empty day.
unsigned day_number(std::string_view day, unsigned unbounded, const char* which) {
  if (day.empty()) return unbounded;
  const auto days = parse_day(day);
  if (!days) {
    throw std::invalid_argument(std::string(which) + " \"" + std::string(day) +
                                "\" is not a date YYYY-MM-DD");
  }
  if (*days < kFirstCodableDay || *days > kLastCodableDay) {
    throw std::invalid_argument(std::string(which) + " " + std::string(day) +
                                " is outside 1970-01-02 .. 2149-06-05");
  }
  return static_cast<unsigned>(*days);
}

void append_id(std::string& payload, std::string_view id, const char* which) {
  if (id.empty() || id.size() > kMaxIdBytes) {
    throw std::invalid_argument(std::string(which) + " must be 1 to 255 bytes");
  }
  payload.push_back(static_cast<char>(id.size()));
  payload.append(id);
}

std::string signed_message(std::string_view payload) {
  std::string message(kSignatureContext);
  message.append(payload);
  return message;
}

// Reads the payload; nullopt for anything sign_badge cannot have produced.
class PayloadReader {
 public:
  explicit PayloadReader(std::string_view bytes) : bytes_(bytes) {}

  std::optional<BadgeClaim> claim() {
    BadgeClaim claim;
    const auto version = byte();
    if (!version || *version != kVersion) return std::nullopt;
    const auto key_id = take(kKeyIdBytes);
    const auto event_id = id();
    const auto badge_id = id();
    const auto first = u16();
    const auto last = u16();
    if (!key_id || !event_id || !badge_id || !first || !last || !bytes_.empty()) {
      return std::nullopt;
    }
    // 0xFFFF cannot be a first day nor 0 a last day: sign_badge never writes them.
    if (*first == kUnboundedLast || *last == kUnboundedFirst) return std::nullopt;
    claim.key_id = key_id_text(*key_id);
    claim.event_id = std::string(*event_id);
    claim.badge_id = std::string(*badge_id);
    if (*first != kUnboundedFirst) claim.first_day = format_day(static_cast<int>(*first));
    if (*last != kUnboundedLast) claim.last_day = format_day(static_cast<int>(*last));
    const bool both = *first != kUnboundedFirst && *last != kUnboundedLast;
    if (both && *first > *last) return std::nullopt;
    return claim;
  }

 private:
  std::optional<unsigned> byte() {
    if (bytes_.empty()) return std::nullopt;
    const auto value = static_cast<unsigned char>(bytes_.front());
    bytes_.remove_prefix(1);
    return value;
  }
  std::optional<std::string_view> take(std::size_t n) {
    if (bytes_.size() < n) return std::nullopt;
    const auto part = bytes_.substr(0, n);
    bytes_.remove_prefix(n);
    return part;
  }
  std::optional<std::string_view> id() {
    const auto length = byte();
    if (!length || *length == 0) return std::nullopt;
    return take(*length);
  }
  std::optional<unsigned> u16() {
    const auto high = byte();
    const auto low = byte();
    if (!high || !low) return std::nullopt;
    return (*high << 8) | *low;
  }

  std::string_view bytes_;
};

}  // namespace

bool looks_like_badge_code(std::string_view text) {
  return text.starts_with(kCodePrefix);
}

std::string sign_badge(const BadgeClaim& claim, std::span<const unsigned char, 64> secret_key) {
  ensure_sodium();
  const auto key_id = key_id_bytes(claim.key_id);
  if (!key_id) throw std::invalid_argument("key id must be 8 lower-case hex digits");
  // The secret key ends with its public key: refuse to sign under a key id that is not its own,
  // or every code would fail as invalid_signature at the door.
  const std::string_view public_key(reinterpret_cast<const char*>(secret_key.data()) + 32, 32);
  if (key_id_for(public_key) != claim.key_id) {
    throw std::invalid_argument("key id " + claim.key_id + " is not the id of this secret key");
  }
  const unsigned first = day_number(claim.first_day, kUnboundedFirst, "first day");
  const unsigned last = day_number(claim.last_day, kUnboundedLast, "last day");
  if (!claim.first_day.empty() && !claim.last_day.empty() && first > last) {
    throw std::invalid_argument("first day " + claim.first_day + " is after last day " +
                                claim.last_day);
  }

  std::string payload;
  payload.push_back(static_cast<char>(kVersion));
  payload.append(*key_id);
  append_id(payload, claim.event_id, "event id");
  append_id(payload, claim.badge_id, "badge id");
  for (const unsigned day : {first, last}) {
    payload.push_back(static_cast<char>(day >> 8));
    payload.push_back(static_cast<char>(day & 0xFF));
  }

  const auto message = signed_message(payload);
  std::array<unsigned char, kSignatureBytes> signature{};
  crypto_sign_ed25519_detached(signature.data(), nullptr,
                               reinterpret_cast<const unsigned char*>(message.data()),
                               message.size(), secret_key.data());
  payload.append(reinterpret_cast<const char*>(signature.data()), signature.size());
  return std::string(kCodePrefix) + base32_encode(payload);
}

const char* code_status_name(CodeStatus status) {
  switch (status) {
    case CodeStatus::ok:
      return "ok";
    case CodeStatus::malformed:
      return "malformed";
    case CodeStatus::unknown_key:
      return "unknown_key";
    case CodeStatus::retired_key:
      return "retired_key";
    case CodeStatus::invalid_signature:
      return "invalid_signature";
    case CodeStatus::wrong_event:
      return "wrong_event";
  }
  return "malformed";
}

CodeCheck verify_badge_code(std::string_view code, std::string_view event_id,
                            const KeyLookup& key_for) {
  CodeCheck check;
  if (!looks_like_badge_code(code) || code.size() > kMaxCodeLength) return check;
  const auto bytes = base32_decode(code.substr(kCodePrefix.size()));
  if (!bytes || bytes->size() <= kSignatureBytes) return check;
  const std::string_view payload =
      std::string_view(*bytes).substr(0, bytes->size() - kSignatureBytes);
  const std::string_view signature = std::string_view(*bytes).substr(payload.size());
  auto claim = PayloadReader(payload).claim();
  if (!claim) return check;

  check.claim.key_id = claim->key_id;
  const auto key = key_for(claim->key_id);
  if (!key || key->public_key().size() != crypto_sign_ed25519_PUBLICKEYBYTES) {
    check.status = CodeStatus::unknown_key;
    return check;
  }
  if (sodium_init() < 0) {
    check.status = CodeStatus::invalid_signature;  // cannot verify: never let it through
    return check;
  }
  const auto message = signed_message(payload);
  if (crypto_sign_ed25519_verify_detached(
          reinterpret_cast<const unsigned char*>(signature.data()),
          reinterpret_cast<const unsigned char*>(message.data()), message.size(),
          reinterpret_cast<const unsigned char*>(key->public_key().data())) != 0) {
    check.status = CodeStatus::invalid_signature;
    return check;
  }
  check.claim = std::move(*claim);
  if (key->has_retired_at()) {
    check.status = CodeStatus::retired_key;
  } else if (check.claim.event_id != event_id) {
    check.status = CodeStatus::wrong_event;
  } else {
    check.status = CodeStatus::ok;
  }
  return check;
}

bool valid_on(const BadgeClaim& claim, std::string_view day) {
  const auto today = parse_day(day);
  if (!today) return false;
  if (!claim.first_day.empty()) {
    const auto first = parse_day(claim.first_day);
    if (!first || *today < *first) return false;
  }
  if (!claim.last_day.empty()) {
    const auto last = parse_day(claim.last_day);
    if (!last || *today > *last) return false;
  }
  return true;
}

}  // namespace rollcall::services::badges
