#include "gateway/scan_handler.h"

#include <chrono>

#include <spdlog/spdlog.h>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>

#include "gateway/asio_tokens.h"
#include "gateway/redis_failure.h"
#include "services/checkin/badge_code_check.h"
#include "services/checkin/manual_checkin.h"
#include "services/checkin/offline_verdict.h"
#include "services/checkin/scan_outcome.h"
#include "services/checkin/scan_timing.h"
#include "services/checkin/scan_validator.h"
#include "services/registry/utf8.h"
#include "services/store/scan_call.h"

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

ScanHandler::ScanHandler(std::shared_ptr<redis::Commands> redis, std::shared_ptr<Metrics> metrics,
                         std::size_t max_desks)
    : redis_(std::move(redis)), metrics_(std::move(metrics)), max_desks_(max_desks) {}

boost::asio::awaitable<v1::ScanResult> ScanHandler::handle(const EventInfo& event,
                                                           std::string_view frame,
                                                           services::wire::Encoding encoding,
                                                           Desk& desk) {
  // Any frame shows the desk is at work: the "desk silent" alert watches this time.
  metrics_->desk_scanned(event.config.event_id(), desk.id);
  v1::ScanRequest request;
  std::string error;
  if (!services::wire::decode(frame, encoding, &request, &error)) {
    co_return checkin::malformed_result(salvage_scan_id(frame, encoding), error);
  }
  // Lengths first: from here on no field holds more of the client's text than its limit.
  if (auto why = checkin::check_scan_fields(request)) {
    co_return checkin::malformed_result(request.scan_id(), *why);
  }
  // A desk is its token: the frame's desk_id cannot invent desks. Kiosks keep sending their own
  // id (an offline queue replays as it was recorded), so a different one is noted, not refused.
  if (request.desk_id() != desk.id) {
    if (!desk.told_renamed) {
      desk.told_renamed = true;
      spdlog::info("desk token {} of {} sends desk_id \"{}\": its scans count for desk {}",
                   desk.token_id, event.config.event_id(),
                   services::registry::quote_for_log(request.desk_id()), desk.id);
    }
    request.set_desk_id(desk.id);
  }
  auto result = co_await decide(event, request, desk);
  // A desk that decided offline: organizers see where the gateway disagrees (/metrics).
  if (const auto outcome = checkin::offline_verdict_outcome(request, result)) {
    metrics_->count_offline_verdict(*outcome);
  }
  co_return result;
}

boost::asio::awaitable<v1::ScanResult> ScanHandler::decide(const EventInfo& event,
                                                           v1::ScanRequest& request, Desk& desk) {
  // The signature is checked before anything else: a forged code never reaches Redis.
  const auto proof = checkin::prove_badge(&request, event.config.event_id(), event.badge_keys);
  if (proof.refusal) co_return *proof.refusal;
  co_return co_await count(event, request, proof, desk, nullptr);
}

boost::asio::awaitable<v1::ScanResult> ScanHandler::check_in_by_hand(
    const EventInfo& event, const v1::ManualCheckin& manual, Desk& desk) {
  metrics_->desk_scanned(event.config.event_id(), desk.id);
  if (auto why = checkin::validate_manual_checkin(manual)) {
    auto result = checkin::malformed_result(manual.checkin_id(), *why);
    result.set_reason("The check-in by hand is not valid: " + *why + ". Nothing was counted.");
    co_return result;
  }
  // No proof: the badge id stands without a code (a signed code's days do not apply either).
  const auto request = checkin::scan_request_for(manual, desk.id);
  const checkin::BadgeProof no_code;
  co_return co_await count(event, request, no_code, desk, &manual);
}

boost::asio::awaitable<v1::ScanResult> ScanHandler::count(const EventInfo& event,
                                                          const v1::ScanRequest& request,
                                                          const checkin::BadgeProof& proof,
                                                          Desk& desk,
                                                          const v1::ManualCheckin* manual) {
  if (auto why = checkin::validate_scan(request)) {
    co_return checkin::malformed_result(request.scan_id(), *why);
  }
  const auto server_ms = now_ms();
  const auto timing = checkin::scan_timing(request, server_ms, event.zone, event.days_window);
  if (timing.device_time_ignored) {
    // Counted anyway, at the server's time: a desk with a wrong clock still scans real people.
    const auto window = checkin::client_time_window(event.days_window, server_ms);
    metrics_->count_client_time_ignored("desk",
                                        checkin::ignored_time_kind(request.device_time(), window));
    spdlog::warn("event {} desk {} scan {}: device_time {}", event.config.event_id(),
                 services::registry::quote_for_log(request.desk_id()),
                 services::registry::quote_for_log(request.scan_id()),
                 checkin::ignored_time_reason(request.device_time(), window));
  }
  if (auto refusal = checkin::check_badge_day(proof, request, timing.day)) co_return *refusal;
  const auto sent = std::chrono::steady_clock::now();
  auto command = checkin::scan_command(event.config.event_id(), request, timing, server_ms,
                                       max_desks_, manual);
  auto [ec, reply] = co_await redis_->async_exec(std::move(command), use_tuple);
  if (!ec) metrics_->observe_redis_roundtrip(std::chrono::steady_clock::now() - sent);
  auto read = services::store::read_scan_reply(reply);
  if (ec || !read) {
    note_redis_failure(
        *metrics_, "scan", event.config.event_id(),
        ec ? link_failure(ec, redis_->last_error()) : store_failure(read.error, reply));
    co_return checkin::unavailable_result(request.scan_id());
  }
  const auto& fields = *read;
  const auto tracking = checkin::desk_tracking(fields);
  if (tracking == checkin::DeskTracking::full) {
    // Counted, but the event already tracks max_desks desks: this one is not shown.
    metrics_->count_limit_rejection("desks");
    if (!desk.told_untracked) {
      desk.told_untracked = true;
      spdlog::warn(
          "event {} tracks {} desks already: desk {} (token {}) is counted but not "
          "tracked (rollcall-gateway --max-desks)",
          event.config.event_id(), max_desks_, desk.id, desk.token_id);
    }
  } else if (tracking == checkin::DeskTracking::forgotten && !desk.told_untracked) {
    desk.told_untracked = true;
    spdlog::info("desk {} of {} (token {}) was forgotten: its scans count, the desk is not shown",
                 desk.id, event.config.event_id(), desk.token_id);
  }
  auto result = checkin::scan_result_from_reply(request.scan_id(), fields, event.zone);
  if (!result) {
    note_redis_failure(
        *metrics_, "scan", event.config.event_id(),
        {.kind = "reply_shape",
         .cause = "the scan function's reply of " + std::to_string(fields.size()) +
                  " fields is not understood" +
                  (fields.empty() ? std::string()
                                  : " (status \"" + quote_redis_text(fields[0]) + "\")")});
  }
  co_return result ? std::move(*result) : checkin::unavailable_result(request.scan_id());
}

}  // namespace rollcall::gateway
