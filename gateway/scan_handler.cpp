#include "gateway/scan_handler.h"

#include <chrono>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>

#include "services/checkin/badge_code_check.h"
#include "services/checkin/offline_verdict.h"
#include "services/checkin/scan_outcome.h"
#include "services/checkin/scan_timing.h"
#include "services/checkin/scan_validator.h"

namespace rollcall::gateway {
namespace {

namespace checkin = services::checkin;

// A JSON frame that fails to parse as a ScanRequest may still carry a readable scan_id; echoing
// it lets the desk match the rejection to the scan it sent.
std::string salvage_scan_id(std::string_view frame, services::wire::Encoding encoding) {
  if (encoding != services::wire::Encoding::json) return {};
  boost::system::error_code ec;
  const auto value = boost::json::parse(frame, ec);
  if (ec || !value.is_object()) return {};
  const auto* id = value.get_object().if_contains("scan_id");
  if (!id || !id->is_string()) return {};
  std::string text(id->get_string());
  return checkin::is_identifier(text, 128) ? text : std::string{};
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

ScanHandler::ScanHandler(std::shared_ptr<redis::Connection> redis, std::shared_ptr<Metrics> metrics)
    : redis_(std::move(redis)), metrics_(std::move(metrics)) {}

boost::asio::awaitable<v1::ScanResult> ScanHandler::handle(const EventInfo& event,
                                                           std::string_view frame,
                                                           services::wire::Encoding encoding) {
  v1::ScanRequest request;
  std::string error;
  if (!services::wire::decode(frame, encoding, &request, &error)) {
    co_return checkin::malformed_result(salvage_scan_id(frame, encoding), error);
  }
  auto result = co_await decide(event, request);
  // A desk that decided offline: organizers see where the gateway disagrees (/metrics).
  if (const auto outcome = checkin::offline_verdict_outcome(request, result)) {
    metrics_->count_offline_verdict(*outcome);
  }
  co_return result;
}

boost::asio::awaitable<v1::ScanResult> ScanHandler::decide(const EventInfo& event,
                                                           v1::ScanRequest& request) {
  // The signature is checked before anything else: a forged code never reaches Redis.
  const auto proof = checkin::prove_badge(&request, event.config.event_id(), event.badge_keys);
  if (proof.refusal) co_return *proof.refusal;
  if (auto why = checkin::validate_scan(request)) {
    co_return checkin::malformed_result(request.scan_id(), *why);
  }
  const auto server_ms = now_ms();
  const auto timing = checkin::scan_timing(request, server_ms, event.zone);
  if (auto refusal = checkin::check_badge_day(proof, request, timing.day)) co_return *refusal;
  const auto sent = std::chrono::steady_clock::now();
  auto [ec, reply] = co_await redis_->async_exec(
      checkin::scan_command(event.config.event_id(), request, timing, server_ms),
      boost::asio::as_tuple(boost::asio::use_awaitable));
  if (!ec) metrics_->observe_redis_roundtrip(std::chrono::steady_clock::now() - sent);
  if (ec || reply.type != redis::Reply::Type::array) {
    co_return checkin::unavailable_result(request.scan_id());
  }
  const auto fields = std::move(reply).element_texts();
  auto result = checkin::scan_result_from_reply(request.scan_id(), fields, event.zone);
  co_return result ? std::move(*result) : checkin::unavailable_result(request.scan_id());
}

}  // namespace rollcall::gateway
