#include "services/auth/credentials.h"

#include <cctype>

namespace rollcall::services::auth {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// The first item of the list that starts with `prefix`, without it.
std::optional<std::string_view> subprotocol_value(std::string_view protocols,
                                                  std::string_view prefix) {
  while (!protocols.empty()) {
    const auto comma = protocols.find(',');
    const auto item = trim(protocols.substr(0, comma));
    if (item.starts_with(prefix) && item.size() > prefix.size()) {
      const auto token = item.substr(prefix.size());
      // As for bearer tokens: blanks inside mean no single token was offered.
      if (token.find_first_of(" \t") != std::string_view::npos) return std::nullopt;
      return token;
    }
    protocols = comma == std::string_view::npos ? std::string_view{} : protocols.substr(comma + 1);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string_view> bearer_token(std::string_view authorization) {
  authorization = trim(authorization);
  const auto space = authorization.find(' ');
  if (space == std::string_view::npos || !iequals(authorization.substr(0, space), "bearer")) {
    return std::nullopt;
  }
  const auto token = trim(authorization.substr(space + 1));
  if (token.empty() || token.find(' ') != std::string_view::npos) return std::nullopt;
  return token;
}

std::optional<std::string_view> subprotocol_token(std::string_view protocols) {
  return subprotocol_value(protocols, kTokenSubprotocolPrefix);
}

std::optional<std::string_view> subprotocol_ticket(std::string_view protocols) {
  return subprotocol_value(protocols, kTicketSubprotocolPrefix);
}

}  // namespace rollcall::services::auth
