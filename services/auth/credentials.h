#pragma once

#include <optional>
#include <string_view>

namespace rollcall::services::auth {

// Browsers cannot set headers on a WebSocket upgrade, so they offer the token as one of the
// subprotocols: "rollcall.token.<token>". The server never echoes it back.
inline constexpr std::string_view kTokenSubprotocolPrefix = "rollcall.token.";
// The same for a beacon ticket (services/auth/ticket.h): "rollcall.ticket.<ticket>".
inline constexpr std::string_view kTicketSubprotocolPrefix = "rollcall.ticket.";

// "Bearer <token>" -> token; nullopt for any other scheme or an empty token.
std::optional<std::string_view> bearer_token(std::string_view authorization);

// The token offered in a Sec-WebSocket-Protocol list, if any.
std::optional<std::string_view> subprotocol_token(std::string_view protocols);
// The beacon ticket offered in a Sec-WebSocket-Protocol list, if any.
std::optional<std::string_view> subprotocol_ticket(std::string_view protocols);

}  // namespace rollcall::services::auth
