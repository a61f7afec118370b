#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "rollcall/v1/auth.pb.h"
#include "services/badges/key_pair.h"

namespace rollcall::services::badges {

// A badge code: "RC1:" + base32 (RFC 4648, upper case, unpadded) of payload || signature, all in
// a QR code's alphanumeric set. Payload: version 1 (1 byte), key id (4 bytes), event id (length
// byte + UTF-8), badge id (length byte + bytes), first and last valid day (u16 big endian, days
// since 1970-01-01, 0 and 0xFFFF unbounded). Signature: Ed25519 over kSignatureContext followed
// by the payload, so a signature made for anything else can never pass as a badge.
inline constexpr std::string_view kCodePrefix = "RC1:";
inline constexpr std::string_view kSignatureContext = "rollcall-badge-v1";
inline constexpr std::size_t kMaxCodeLength = 1024;  // longer texts are refused before decoding

struct BadgeClaim {
  std::string key_id;     // 8 hex digits
  std::string event_id;   // 1 to 255 bytes
  std::string badge_id;   // 1 to 255 bytes
  std::string first_day;  // "YYYY-MM-DD", or empty: from the start
  std::string last_day;   // "YYYY-MM-DD", or empty: to the end

  bool operator==(const BadgeClaim&) const = default;
};

// Whether a scanned text is meant as a badge code (rather than a plain badge id).
bool looks_like_badge_code(std::string_view text);

// The code for a claim. Throws std::invalid_argument (one-line reason) for a claim that cannot
// be encoded: empty or overlong ids, a key id that is not 8 hex digits, days that are not real
// dates between 1970-01-02 and 2149-06-05, or a first day after the last.
std::string sign_badge(const BadgeClaim& claim, std::span<const unsigned char, 64> secret_key);

enum class CodeStatus {
  ok,
  malformed,          // not a well-formed RC1 code (or a payload an issuer cannot produce)
  unknown_key,        // its key id is not a key of the event
  retired_key,        // genuine, but its key has been retired
  invalid_signature,  // forged or altered
  wrong_event,        // genuine, but for another event
};

// "ok", "malformed", ...: the words for logs, metrics and clients.
const char* code_status_name(CodeStatus status);

struct CodeCheck {
  CodeStatus status = CodeStatus::malformed;
  // What the signature vouches for: the whole claim for ok, retired_key and wrong_event; only
  // key_id for unknown_key and invalid_signature (the rest is unproven); empty for malformed.
  BadgeClaim claim;
};

// The BadgeKey stored for a key id, or nullopt when the event has no such key.
using KeyLookup = std::function<std::optional<v1::BadgeKey>(std::string_view key_id)>;

// Checks a code, in this order: shape, key known, signature, key not retired (any retired_at
// counts), event. Never throws on any input and reads nothing outside `code`; an exception
// from key_for (e.g. Redis unreachable) passes through, so it is not mistaken for unknown_key.
CodeCheck verify_badge_code(std::string_view code, std::string_view event_id,
                            const KeyLookup& key_for);

// Whether the claim covers `day` ("YYYY-MM-DD", the event's local date); false for a malformed
// day.
bool valid_on(const BadgeClaim& claim, std::string_view day);

}  // namespace rollcall::services::badges
