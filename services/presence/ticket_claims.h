#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "rollcall/v1/auth.pb.h"
#include "rollcall/v1/rollcall.pb.h"
#include "services/registry/country_codes.h"

namespace rollcall::services::presence {

// The claims of a new beacon ticket (services/auth/ticket.h) for `request`, issued at `now_s`:
// checked as the beacon's join will be (so a ticket never names someone a beacon could not be)
// and normalized (upper-case country). Returns the reason in plain words when no ticket can be
// made; *claims is set otherwise.
std::optional<std::string> ticket_claims(const v1::TicketRequest& request,
                                         const registry::CountryCodes& countries,
                                         const v1::Event& event, std::int64_t now_s,
                                         v1::BeaconTicket* claims);

}  // namespace rollcall::services::presence
