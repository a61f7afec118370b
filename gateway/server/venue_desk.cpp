#include "gateway/server/venue_desk.h"

#include <spdlog/spdlog.h>

#include "gateway/asio_tokens.h"
#include "gateway/redis_failure.h"
#include "rollcall/v1/venue.pb.h"
#include "services/checkin/badge_code_check.h"
#include "services/checkin/scan_outcome.h"
#include "services/checkin/scan_validator.h"
#include "services/checkin/venue_verdict.h"
#include "services/store/event_reads.h"
#include "services/store/keys.h"

namespace rollcall::gateway::server {
namespace {

namespace asio = boost::asio;
namespace checkin = services::checkin;
namespace store = services::store;

// `unavailable` for the scan of `frame`, its scan_id echoed only when it is a valid one.
v1::ScanResult unavailable_for(std::string_view frame, services::wire::Encoding encoding) {
  v1::ScanRequest scan;
  std::string error;
  services::wire::decode(frame, encoding, &scan, &error);
  return checkin::unavailable_result(checkin::is_identifier(scan.scan_id(), 128) ? scan.scan_id()
                                                                                 : std::string());
}

}  // namespace

VenueDeskSession::VenueDeskSession(WebSocket&& ws, services::venue::VenueConfig venue,
                                   services::wire::Encoding encoding, std::string token,
                                   const TokenDirectory::Decision& admitted, DeskParts parts)
    : DeskChannel(std::move(ws), encoding, std::move(token), store::venue_feed(venue.id),
                  "venue_desk", std::move(parts)),
      venue_(std::move(venue)),
      desks_(venue_.events.size(),
             ScanHandler::Desk{.id = admitted.desk_id, .token_id = admitted.token_id}) {}

// Which of `events` know the badge of `frame`. A frame that does not decode, or names no badge,
// is left to the first event, whose desk answers `malformed` before anything is counted.
asio::awaitable<std::vector<bool>> VenueDeskSession::who_knows(const std::vector<EventInfo>& events,
                                                               std::string_view frame,
                                                               bool* unavailable) {
  std::vector<bool> known(events.size(), false);
  v1::ScanRequest request;
  std::string error;
  if (!services::wire::decode(frame, encoding(), &request, &error) || request.badge_id().empty() ||
      checkin::check_scan_fields(request)) {
    co_return known;
  }
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& event = events[i];
    if (!event.badge_keys.empty()) {
      // A signed code is the event's that signed it; its own desk checks the signature again.
      auto copy = request;
      known[i] = !checkin::prove_badge(&copy, event.config.event_id(), event.badge_keys).refusal;
      continue;
    }
    auto [ec, reply] = co_await parts().commands->async_exec(
        store::badge_exists_read(event.config.event_id(), request.badge_id()), use_tuple);
    const auto exists = store::read_exists(reply);
    if (ec || !exists) {
      note_redis_failure(*parts().metrics, "venue_desk", event.config.event_id(),
                         ec ? link_failure(ec, parts().commands->last_error())
                            : store_failure(exists.error, reply));
      *unavailable = true;
      co_return known;
    }
    known[i] = *exists;
  }
  co_return known;
}

asio::awaitable<std::string> VenueDeskSession::answer(std::string frame) {
  // The events as they are now (cached for seconds): an event imported after the desk
  // connected is served from then on.
  std::vector<EventInfo> events;
  std::vector<std::size_t> desk_of;
  bool unavailable = false;
  for (std::size_t i = 0; i < venue_.events.size(); ++i) {
    const auto lookup = co_await parts().events->find(venue_.events[i]);
    if (lookup.event) {
      events.push_back(*lookup.event);
      desk_of.push_back(i);
    } else if (lookup.unavailable) {
      unavailable = true;
    }
  }
  v1::VenueScanResult answer;
  if (events.empty() || unavailable) {
    // Without every event the desk cannot say where the person may go: it resends later.
    *answer.mutable_result() = unavailable_for(frame, encoding());
  } else {
    const auto known = co_await who_knows(events, frame, &unavailable);
    if (unavailable) {
      *answer.mutable_result() = unavailable_for(frame, encoding());
    } else {
      std::vector<v1::EventScanResult> verdicts;
      for (const auto i : checkin::events_to_count(known)) {
        auto result =
            co_await parts().scans->handle(events[i], frame, encoding(), desks_[desk_of[i]]);
        parts().metrics->count_scan(v1::ScanStatus_Name(result.status()));
        v1::EventScanResult verdict;
        verdict.set_event_id(events[i].config.event_id());
        verdict.set_event_name(events[i].config.name());
        *verdict.mutable_result() = std::move(result);
        verdicts.push_back(std::move(verdict));
      }
      answer = checkin::combine_verdicts(std::move(verdicts));
    }
  }
  co_return services::wire::encode(answer, encoding());
}

}  // namespace rollcall::gateway::server
