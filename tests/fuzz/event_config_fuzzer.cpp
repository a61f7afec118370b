// Event files (tools/import --event-file) and the stored event config the gateway reads back:
// parse_event_json either refuses with a reason or returns an event that validates, survives
// its stored form unchanged, and whose lists make the ",a,b," strings the Redis scripts match.
#include <cstddef>
#include <cstdint>

#include <google/protobuf/util/message_differencer.h>

#include "rollcall/v1/rollcall.pb.h"
#include "services/registry/event_config.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using namespace rollcall;
namespace registry = services::registry;

void check_event(const v1::Event& event) {
  FUZZ_CHECK(registry::validate_event(event).empty());
  const auto stored = registry::event_to_json(event);
  v1::Event back;
  try {
    back = registry::parse_event_json(stored, event.event_id());
  } catch (const registry::EventConfigError& e) {
    fuzz::fail(__FILE__, __LINE__, e.what());  // the gateway could not read what import stored
  }
  FUZZ_CHECK(google::protobuf::util::MessageDifferencer::Equals(event, back));
  // The scripts test membership with string.find(",x,"): no day or zone may hold a comma.
  const auto days = registry::comma_list(event.days());
  const auto zones = registry::comma_list(event.zones());
  for (const auto& day : event.days()) FUZZ_CHECK(days.find("," + day + ",") != std::string::npos);
  for (const auto& zone : event.zones()) {
    FUZZ_CHECK(zone.find(',') == std::string::npos);
    FUZZ_CHECK(zones.find("," + zone + ",") != std::string::npos);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::quiet_protobuf();
  registry::is_known_time_zone("UTC");  // loads the tz database once
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto json = fuzz::as_text(data, size);
  for (const std::string_view expected : {std::string_view{}, std::string_view{"fuzz"}}) {
    try {
      const auto event = registry::parse_event_json(json, expected);
      FUZZ_CHECK(expected.empty() || event.event_id() == expected);
      check_event(event);
    } catch (const registry::EventConfigError& e) {
      FUZZ_CHECK(*e.what() != '\0');
    }
  }
  return 0;
}
