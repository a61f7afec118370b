#include "gateway/server/request_auth.h"

#include "services/auth/credentials.h"

namespace rollcall::gateway::server {

namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;

std::string presented_token(const Request& request) {
  if (auto token = services::auth::bearer_token(request[http::field::authorization])) {
    return std::string(*token);
  }
  if (auto token =
          services::auth::subprotocol_token(request[http::field::sec_websocket_protocol])) {
    return std::string(*token);
  }
  return {};
}

boost::asio::awaitable<TokenDirectory::Decision> authorize(TokenDirectory::Presented token,
                                                           TokenDirectory& tokens, Metrics& metrics,
                                                           std::string event_id,
                                                           services::auth::Access access) {
  auto decision = co_await tokens.authorize(std::move(event_id), std::move(token), access);
  if (!decision.allowed && !decision.unavailable) metrics.count_auth_failure(decision.refusal);
  co_return decision;
}

boost::asio::awaitable<TokenDirectory::Decision> authorize(const Request& request,
                                                           const Context& context,
                                                           std::string event_id,
                                                           services::auth::Access access) {
  return authorize(TokenDirectory::presented(presented_token(request)), *context.tokens,
                   *context.metrics, std::move(event_id), access);
}

namespace {

std::string refusal_words(const TokenDirectory::Decision& decision) {
  if (decision.unavailable) return "cannot check the token: Redis unavailable, try again";
  if (decision.refusal == "missing") {
    return "this needs an access token (Authorization: Bearer TOKEN)";
  }
  if (decision.refusal == "forbidden") {
    return "a " + std::string(services::auth::role_name(decision.role)) + " token may not do this";
  }
  return "token " + decision.refusal +
         (decision.token_id.empty() ? "" : " (" + decision.token_id + ")");
}

}  // namespace

http::response<http::string_body> refusal_response(const Request& request,
                                                   const TokenDirectory::Decision& decision) {
  if (decision.unavailable) {
    return error_response(request, http::status::service_unavailable, "unavailable",
                          refusal_words(decision));
  }
  if (decision.refusal == "forbidden") {
    return error_response(request, http::status::forbidden, "forbidden", refusal_words(decision));
  }
  auto response = error_response(request, http::status::unauthorized, "unauthenticated",
                                 refusal_words(decision));
  response.set(http::field::www_authenticate, "Bearer");
  return response;
}

websocket::close_reason refusal_close(const TokenDirectory::Decision& decision) {
  const auto code = decision.unavailable              ? websocket::close_code::try_again_later
                    : decision.refusal == "forbidden" ? static_cast<websocket::close_code>(4403)
                                                      : static_cast<websocket::close_code>(4401);
  // Close reasons are limited to 123 bytes.
  return websocket::close_reason(code, refusal_words(decision).substr(0, 120));
}

}  // namespace rollcall::gateway::server
