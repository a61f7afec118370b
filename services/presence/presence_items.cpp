#include "services/presence/presence_items.h"

#include <algorithm>

#include <google/protobuf/util/time_util.h>

#include "services/checkin/scan_validator.h"
#include "services/registry/utf8.h"
#include "services/store/presence_call.h"
#include "services/wire/field_limits.h"

namespace rollcall::services::presence {
namespace {

// Platform ids are e-mail addresses, UUIDs, base64 and the like: printable, no spaces.
bool is_participant_id(std::string_view text) {
  if (text.empty() || text.size() > 128) return false;
  return std::all_of(text.begin(), text.end(),
                     [](unsigned char c) { return c > 0x20 && c < 0x7f; });
}

bool is_label(std::string_view text) {
  return text.size() <= 128 &&
         std::none_of(text.begin(), text.end(), [](unsigned char c) { return c < 0x20; });
}

std::string describe(v1::PresenceAck::Status status) {
  switch (status) {
    case v1::PresenceAck::joined:
      return "joined: a new remote participant";
    case v1::PresenceAck::rejoined:
      return "joined again (or on one more device): counted once";
    case v1::PresenceAck::left:
      return "left";
    case v1::PresenceAck::already_left:
      return "no open connection to close: nothing changed";
    case v1::PresenceAck::unavailable:
      return "the attendance server is briefly unavailable: send it again with the same "
             "presence_id";
    default:
      return {};
  }
}

}  // namespace

std::optional<std::string> validate_presence(v1::PresenceEvent* item,
                                             const registry::CountryCodes& countries,
                                             const v1::Event& event) {
  // Lengths first: every other check, and every reason, then sees bounded text.
  if (auto why = wire::check_text_fields(*item, {{"badge_id", 64}})) return why;
  if (!checkin::is_identifier(item->presence_id(), 128)) {
    return "presence_id is missing or not 1-128 letters, digits or _.:-";
  }
  if (item->kind() != v1::join && item->kind() != v1::leave) {
    return "kind must be \"join\" or \"leave\"";
  }
  if (!is_participant_id(item->participant_id())) {
    return "participant_id is missing, longer than 128 bytes, or has spaces";
  }
  if (!item->badge_id().empty() && !checkin::is_identifier(item->badge_id())) {
    return "badge_id is not a rollcall badge code";
  }
  if (!item->country().empty()) {
    auto code = countries.normalize(item->country());
    if (!code) {
      return "country \"" + registry::quote_input(item->country()) +
             "\" is not an ISO 3166-1 alpha-2 code";
    }
    item->set_country(*code);
  }
  if (!item->category().empty() && !event.categories().empty() &&
      std::none_of(event.categories().begin(), event.categories().end(),
                   [&](const auto& c) { return c.id() == item->category(); })) {
    return "category \"" + registry::quote_input(item->category()) +
           "\" is not one of this event's categories";
  }
  if (!is_label(item->platform()) || !is_label(item->session())) {
    return "platform and session must be short text without control characters";
  }
  // Years 1 to 9999, as protobuf's Timestamp itself: beyond, its milliseconds overflow.
  using google::protobuf::util::TimeUtil;
  if (item->has_time() && (item->time().seconds() < TimeUtil::kTimestampMinSeconds ||
                           item->time().seconds() > TimeUtil::kTimestampMaxSeconds ||
                           item->time().nanos() < 0 || item->time().nanos() > 999'999'999)) {
    return "time is not a valid time";
  }
  return std::nullopt;
}

std::optional<std::string> drop_unbelieved_time(v1::PresenceEvent* item,
                                                const checkin::TimeWindow& window) {
  if (!item->has_time() || checkin::believed_ms(item->time(), window)) return std::nullopt;
  auto why = "time " + checkin::ignored_time_reason(item->time(), window);
  item->clear_time();
  return why;
}

std::vector<std::string> presence_command(std::string_view event_id, const Holder& holder,
                                          const checkin::ScanTiming& timing, std::int64_t server_ms,
                                          bool resync,
                                          const std::vector<const v1::PresenceEvent*>& items) {
  std::vector<store::PresenceCallItem> call_items;
  call_items.reserve(items.size());
  for (const auto* item : items) {
    call_items.push_back(
        {.presence_id = item->presence_id(),
         .join = item->kind() == v1::join,
         .participant_id = item->participant_id(),
         .badge_id = item->badge_id(),
         .country = item->country(),
         .category = item->category(),
         .platform = item->platform(),
         .session = item->session(),
         .time_ms = item->has_time()
                        ? google::protobuf::util::TimeUtil::TimestampToMilliseconds(item->time())
                        : server_ms});
  }
  return store::presence_call({.event_id = std::string(event_id),
                               .holder = holder.id,
                               .lease_until_ms = holder.lease_until_ms,
                               .server_ms = server_ms,
                               .day = timing.day,
                               .minute = timing.minute,
                               .via = holder.via,
                               .resync = resync},
                              call_items);
}

bool read_presence_reply(const std::vector<std::string>& fields,
                         const std::vector<const v1::PresenceEvent*>& items,
                         std::vector<v1::PresenceAck>* acks) {
  if (fields.size() != items.size() * 2 + 1) return false;
  for (std::size_t i = 0; i < items.size(); ++i) {
    v1::PresenceAck::Status status;
    if (!v1::PresenceAck::Status_Parse(fields[2 * i], &status)) return false;
    auto ack = presence_ack(items[i]->presence_id(), status);
    ack.set_replay(fields[2 * i + 1] == "1");
    acks->push_back(std::move(ack));
  }
  return true;
}

v1::PresenceAck presence_ack(const std::string& presence_id, v1::PresenceAck::Status status,
                             std::string reason) {
  v1::PresenceAck ack;
  // Bounded whatever the sender put there: a rejected item's id may be anything.
  ack.set_presence_id(registry::quote_input(presence_id));
  ack.set_status(status);
  ack.set_reason(reason.empty() ? describe(status) : std::move(reason));
  return ack;
}

}  // namespace rollcall::services::presence
