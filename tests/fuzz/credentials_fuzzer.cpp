// Credentials in the WebSocket upgrade and HTTP calls (services/auth/credentials.h): the
// Authorization header and the Sec-WebSocket-Protocol list (tokens and beacon tickets). A token
// found is a non-empty piece of the header itself, without the separators around it, and writing it
// back finds it again.
#include <cstddef>
#include <cstdint>
#include <string>

#include "services/auth/credentials.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using namespace rollcall;
namespace auth = services::auth;

bool inside(std::string_view part, std::string_view whole) {
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

bool edge_is_blank(std::string_view token) {
  const auto blank = [](char c) { return c == ' ' || c == '\t'; };
  return blank(token.front()) || blank(token.back());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto header = fuzz::as_text(data, size);

  if (const auto token = auth::bearer_token(header)) {
    FUZZ_CHECK(!token->empty() && inside(*token, header));
    FUZZ_CHECK(token->find(' ') == std::string_view::npos && !edge_is_blank(*token));
    const std::string again = "Bearer " + std::string(*token);
    FUZZ_CHECK(auth::bearer_token(again) == std::string_view(*token));
  }

  if (const auto token = auth::subprotocol_token(header)) {
    FUZZ_CHECK(!token->empty() && inside(*token, header));
    FUZZ_CHECK(token->find(',') == std::string_view::npos && !edge_is_blank(*token));
    const std::string again =
        "rollcall.v1.json, " + std::string(auth::kTokenSubprotocolPrefix) + std::string(*token);
    FUZZ_CHECK(auth::subprotocol_token(again) == std::string_view(*token));
  }

  if (const auto ticket = auth::subprotocol_ticket(header)) {
    FUZZ_CHECK(!ticket->empty() && inside(*ticket, header));
    FUZZ_CHECK(ticket->find(',') == std::string_view::npos && !edge_is_blank(*ticket));
    const std::string again = std::string(auth::kTokenSubprotocolPrefix) + "x, " +
                              std::string(auth::kTicketSubprotocolPrefix) + std::string(*ticket);
    FUZZ_CHECK(auth::subprotocol_ticket(again) == std::string_view(*ticket));
  }
  return 0;
}
