#pragma once

#include <memory>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http.hpp>

#include "gateway/server/context.h"
#include "gateway/server/routes.h"

namespace rollcall::gateway::server {

using Request = boost::beast::http::request<boost::beast::http::string_body>;

// The answer of a plain HTTP route (health, metrics, totals, badge keys, webhooks, static
// files) that `route` matched; its token, if the route needs one, has been checked.
boost::asio::awaitable<boost::beast::http::message_generator> answer_http(
    Request request, RouteMatch route, std::shared_ptr<const Context> context);

// A JSON error body (the Error message) with the given status.
boost::beast::http::response<boost::beast::http::string_body> error_response(
    const Request& request, boost::beast::http::status status, std::string code,
    std::string message);

// A JSON body with the given status, never cached (every answer is about now, or about a person).
boost::beast::http::response<boost::beast::http::string_body> json_response(
    const Request& request, boost::beast::http::status status, std::string body);

}  // namespace rollcall::gateway::server
