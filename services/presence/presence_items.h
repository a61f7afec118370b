#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rollcall/v1/rollcall.pb.h"
#include "services/checkin/scan_timing.h"
#include "services/registry/country_codes.h"

namespace rollcall::services::presence {

// Checks one join/leave and normalizes it (upper-case country). Returns the reason in plain
// words when it cannot be counted; the sender gets `rejected` for that item only. Field lengths
// are checked first (wire::check_text_fields: badge_id 64 bytes, the others 128).
std::optional<std::string> validate_presence(v1::PresenceEvent* item,
                                             const registry::CountryCodes& countries,
                                             const v1::Event& event);

// Clears a time the server does not believe (checkin/time_window.h: outside `window`), so that
// the server's time counts instead; returns why, in words, when it did. Never a refusal: the
// join or leave itself is genuine, and only the online minutes depend on its time.
std::optional<std::string> drop_unbelieved_time(v1::PresenceEvent* item,
                                                const checkin::TimeWindow& window);

// Who holds a connection, and until when (0: no lease, e.g. webhooks).
struct Holder {
  std::string id;  // "gw:ID", "bridge:ID", "zoom"
  std::int64_t lease_until_ms = 0;
  std::string via;  // how the items arrived: beacon, bridge, webhook
};

// The arguments of `FCALL rollcall_presence` for validated items.
std::vector<std::string> presence_command(std::string_view event_id, const Holder& holder,
                                          const checkin::ScanTiming& timing, std::int64_t server_ms,
                                          bool resync,
                                          const std::vector<const v1::PresenceEvent*>& items);

// Reads the function's reply ({status, replay} per item, then the seq) into acks, in order.
// false when the reply does not have that shape.
bool read_presence_reply(const std::vector<std::string>& fields,
                         const std::vector<const v1::PresenceEvent*>& items,
                         std::vector<v1::PresenceAck>* acks);

// The ack of one item; its presence_id is echoed as registry::quote_input gives it.
v1::PresenceAck presence_ack(const std::string& presence_id, v1::PresenceAck::Status status,
                             std::string reason = {});

}  // namespace rollcall::services::presence
