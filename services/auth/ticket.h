#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rollcall/v1/auth.pb.h"

namespace rollcall::services::auth {

// A beacon ticket lets one remote participant be present on /v1/online, as exactly that
// participant, until it expires; nothing else. A public virtual-event page carries its
// participant's ticket instead of a platform token. The text:
//
//   rt1.<base64url(BeaconTicket)>.<base64url(HMAC-SHA-512-256 of everything before the last '.')>
//
// The MAC key is the event's (32 random bytes, {EVENT}:secrets field "tickets" as hex): only the
// gateway and rollcall-admin can make tickets. Unpadded base64url keeps the ticket valid in a
// query string and in a WebSocket subprotocol ("rollcall.ticket.<ticket>").
inline constexpr std::string_view kTicketPrefix = "rt1.";
inline constexpr std::size_t kTicketKeyBytes = 32;
// Genuine tickets are a few hundred bytes; anything longer is refused before it is decoded.
inline constexpr std::size_t kMaxTicketLength = 1024;
// Tickets are short-lived: a leaked one is worth little for long.
inline constexpr std::int64_t kMaxTicketLifetimeSeconds = 7 * 24 * 3600;
inline constexpr std::int64_t kDefaultTicketLifetimeSeconds = 8 * 3600;
// Gateways and issuers may disagree on the time by this much.
inline constexpr std::int64_t kTicketClockSkewSeconds = 300;

// A new ticket key as {EVENT}:secrets keeps it: 64 hex digits.
std::string generate_ticket_key();
// The key's 32 bytes; nullopt when `hex` is not 64 hex digits.
std::optional<std::string> ticket_key_bytes(std::string_view hex);

// The ticket text for `claims`, MACed with `key` (32 bytes).
std::string sign_ticket(const v1::BeaconTicket& claims, std::string_view key);

enum class TicketVerdict {
  ok,
  malformed,      // not a ticket: shape, length, encoding, or claims no issuer writes
  forged,         // the MAC does not match (altered, made up, or another event's key)
  other_event,    // genuine, for another event
  expired,        // genuine, past expires_at
  not_yet_valid,  // genuine, issued in the future (beyond the clock skew)
};

struct TicketCheck {
  TicketVerdict verdict = TicketVerdict::malformed;
  v1::BeaconTicket claims;  // set when verdict is ok (and for other_event, expired, ...)
};

// Verifies `ticket` for `event_id` at `now_s` (unix seconds) with the event's key (32 bytes;
// any other size verifies nothing). The MAC is checked, in constant time, before any claim is
// read.
TicketCheck check_ticket(std::string_view ticket, std::string_view key, std::string_view event_id,
                         std::int64_t now_s);

// "malformed", "forged", ...: the words of refusals and the metric's reason (with "ticket_").
const char* ticket_verdict_name(TicketVerdict verdict);

}  // namespace rollcall::services::auth
