#include "services/presence/ticket_claims.h"

#include "services/auth/ticket.h"
#include "services/presence/presence_items.h"

namespace rollcall::services::presence {

std::optional<std::string> ticket_claims(const v1::TicketRequest& request,
                                         const registry::CountryCodes& countries,
                                         const v1::Event& event, std::int64_t now_s,
                                         v1::BeaconTicket* claims) {
  const auto lifetime = request.expires_in_seconds() == 0 ? auth::kDefaultTicketLifetimeSeconds
                                                          : request.expires_in_seconds();
  if (lifetime < 1 || lifetime > auth::kMaxTicketLifetimeSeconds) {
    return "expires_in_seconds must be 1 to " + std::to_string(auth::kMaxTicketLifetimeSeconds) +
           " (7 days)";
  }
  // The join the beacon will make, validated now.
  v1::PresenceEvent join;
  join.set_presence_id("ticket");
  join.set_kind(v1::join);
  join.set_participant_id(request.participant_id());
  join.set_badge_id(request.badge_id());
  join.set_country(request.country());
  join.set_category(request.category());
  if (auto why = validate_presence(&join, countries, event)) return why;
  claims->Clear();
  claims->set_event_id(event.event_id());
  claims->set_participant_id(join.participant_id());
  claims->set_badge_id(join.badge_id());
  claims->set_country(join.country());
  claims->set_category(join.category());
  claims->set_issued_at(now_s);
  claims->set_expires_at(now_s + lifetime);
  return std::nullopt;
}

}  // namespace rollcall::services::presence
