// Online channel, bridge side (gateway/server/online_session.cpp): every frame is decoded as an
// OnlineRequest in both encodings; each presence item of a batch is validated (and normalized)
// as the gateway does before Redis, and the valid ones become FCALL arguments. The reply the
// bridge gets (errors or one ack per item) must be readable by the bridge.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "rollcall/v1/rollcall.pb.h"
#include "services/checkin/scan_validator.h"
#include "services/presence/presence_items.h"
#include "services/registry/country_codes.h"
#include "services/registry/event_config.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using namespace rollcall;
namespace presence = services::presence;
namespace registry = services::registry;
namespace wire = services::wire;

constexpr int kMaxBatch = 1000;  // gateway/server/online_session.cpp
constexpr std::int64_t kServerMs = 1'780'000'000'000;

const registry::CountryCodes& countries() {
  static const auto codes = registry::CountryCodes::load();
  return codes;
}

const v1::Event& event() {
  static const auto config = registry::default_event("fuzz");
  return config;
}

bool is_category(const std::string& id) {
  return std::any_of(event().categories().begin(), event().categories().end(),
                     [&](const auto& c) { return c.id() == id; });
}

void check_valid_item(const v1::PresenceEvent& item) {
  FUZZ_CHECK(services::checkin::is_identifier(item.presence_id(), 128));
  FUZZ_CHECK(item.kind() == v1::join || item.kind() == v1::leave);
  FUZZ_CHECK(!item.participant_id().empty() && item.participant_id().size() <= 128);
  FUZZ_CHECK(item.badge_id().empty() || services::checkin::is_identifier(item.badge_id()));
  // Normalized: what reaches Redis is the upper-case code itself.
  FUZZ_CHECK(item.country().empty() || countries().normalize(item.country()) == item.country());
  FUZZ_CHECK(item.category().empty() || is_category(item.category()));
  FUZZ_CHECK(item.platform().size() <= 128 && item.session().size() <= 128);
  // Stored in Redis and printed in exports as text.
  for (const auto* text : {&item.participant_id(), &item.platform(), &item.session()}) {
    FUZZ_CHECK(services::registry::is_valid_utf8(*text));
  }
  // Its time becomes milliseconds in the log: it must be a time protobuf can express.
  fuzz::check_round_trips(item);
}

void handle_batch(v1::PresenceBatch* batch, wire::Encoding encoding) {
  if (batch->events_size() > kMaxBatch) return;  // answered too_large, nothing read
  v1::OnlineReply reply;
  std::vector<const v1::PresenceEvent*> valid;
  for (int i = 0; i < batch->events_size(); ++i) {
    auto* item = batch->mutable_events(i);
    if (auto why = presence::validate_presence(item, countries(), event())) {
      FUZZ_CHECK(!why->empty());
      *reply.mutable_result()->add_acks() =
          presence::presence_ack(item->presence_id(), v1::PresenceAck::rejected, *why);
      continue;
    }
    check_valid_item(*item);
    valid.push_back(item);
    *reply.mutable_result()->add_acks() =
        presence::presence_ack(item->presence_id(), v1::PresenceAck::joined);
  }
  fuzz::check_round_trip(reply, encoding);
  if (valid.empty()) return;
  const services::checkin::ScanTiming timing{
      .effective_ms = kServerMs, .day = "2026-05-28", .minute = "2026-05-28T20:26"};
  const presence::Holder holder{
      .id = "bridge:fuzz", .lease_until_ms = kServerMs + 30'000, .via = "bridge"};
  // As the gateway applies them: a time the server does not believe is dropped first.
  const auto window = services::checkin::client_time_window({}, kServerMs);
  std::vector<v1::PresenceEvent> applied;
  applied.reserve(valid.size());
  std::vector<const v1::PresenceEvent*> items;
  for (const auto* item : valid) {
    auto& copy = applied.emplace_back(*item);
    const auto why = presence::drop_unbelieved_time(&copy, window);
    FUZZ_CHECK(why.has_value() == (item->has_time() && !copy.has_time()));
    items.push_back(&copy);
  }
  const auto command =
      presence::presence_command("fuzz", holder, timing, kServerMs, batch->resync(), items);
  FUZZ_CHECK(command.size() == 11 + 9 * valid.size());
  // No absurd clock reaches the log.
  for (std::size_t i = 19; i < command.size(); i += 9) {
    FUZZ_CHECK(window.contains(std::stoll(command[i])));
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::quiet_protobuf();
  countries();
  event();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto frame = fuzz::as_text(data, size);
  for (const auto encoding : fuzz::kEncodings) {
    v1::OnlineRequest request;
    std::string error;
    if (!wire::decode(frame, encoding, &request, &error)) {
      FUZZ_CHECK(!error.empty());
      v1::OnlineReply reply;
      reply.mutable_error()->set_code("malformed");
      reply.mutable_error()->set_message(error);
      fuzz::check_round_trip(reply, encoding);
      continue;
    }
    fuzz::check_round_trip(request, wire::Encoding::binary);
    if (request.kind_case() == v1::OnlineRequest::kBatch) {
      handle_batch(request.mutable_batch(), encoding);
    }
  }
  return 0;
}
