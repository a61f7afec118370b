// The registration desk's request bodies (POST .../checkins, .../badges, .../replacement): the
// JSON decoder and the validators on an arbitrary body. What passes must be what the Redis
// Functions and the exports can rely on; what is refused names a field in bounded words.
// The first byte picks the message, the rest is the body as a client sends it.
#include <cstddef>
#include <cstdint>
#include <string>

#include "rollcall/v1/registration.pb.h"
#include "services/checkin/manual_checkin.h"
#include "services/checkin/scan_validator.h"
#include "services/registry/badge_validator.h"
#include "services/registry/country_codes.h"
#include "services/registry/event_config.h"
#include "services/registry/utf8.h"
#include "services/registry/walk_in.h"
#include "services/wire/codec.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using namespace rollcall;
namespace registry = services::registry;
namespace checkin = services::checkin;

constexpr std::size_t kMaxWords = 300;  // a refusal's words: never the client's input at length

const registry::CountryCodes& countries() {
  static const auto codes = registry::CountryCodes::load();
  return codes;
}

const v1::Event& event() {
  static const auto config = registry::default_event("fuzz");
  return config;
}

void check_words(const std::string& words) {
  FUZZ_CHECK(!words.empty() && words.size() <= kMaxWords);
  FUZZ_CHECK(registry::is_valid_utf8(words));
}

void manual_checkin(std::string_view body) {
  v1::ManualCheckin request;
  std::string error;
  if (!services::wire::decode(body, services::wire::Encoding::json, &request, &error)) return;
  if (const auto problem = checkin::validate_manual_checkin(request)) {
    check_words(*problem);
    return;
  }
  FUZZ_CHECK(registry::is_valid_utf8(request.note()));
  FUZZ_CHECK(request.note().size() <= 4 * checkin::kMaxNoteCharacters);
  FUZZ_CHECK(!checkin::manual_reason_word(request.reason()).empty());
  // What it counts as is a scan the desk channel itself would accept.
  const auto scan = checkin::scan_request_for(request, "desk-1");
  FUZZ_CHECK(scan.desk_id() == "desk-1" && scan.badge_id() == request.badge_id());
  FUZZ_CHECK(!checkin::validate_scan(scan));
  fuzz::check_round_trips(request);
}

void walk_in(std::string_view body) {
  v1::WalkIn request;
  std::string error;
  if (!services::wire::decode(body, services::wire::Encoding::json, &request, &error)) return;
  const auto check = registry::check_walk_in(request, event(), countries());
  FUZZ_CHECK(check.walk_in.has_value() != check.problem.has_value());
  if (check.problem) {
    FUZZ_CHECK(!check.problem->field.empty() && check.problem->field.size() <= 32);
    check_words(check.problem->why);
    return;
  }
  const auto& badge = check.walk_in->badge;
  FUZZ_CHECK(badge.badge_id().empty() || registry::is_valid_badge_id(badge.badge_id()));
  for (const auto* text : {&badge.name(), &badge.organization()}) {
    FUZZ_CHECK(registry::is_valid_utf8(*text) && text->size() <= registry::kMaxTextBytes);
  }
  FUZZ_CHECK(!badge.name().empty());
  FUZZ_CHECK(!badge.revoked() && badge.person_id().empty() && badge.replaced_by().empty() &&
             badge.registered_by().empty() && badge.revoked_reason().empty());
  bool known_category = false;
  for (const auto& category : event().categories()) {
    known_category = known_category || category.id() == badge.category();
  }
  FUZZ_CHECK(known_category);
  FUZZ_CHECK(!registry::request_id_problem(request.request_id()));
}

void replacement(std::string_view body) {
  v1::BadgeReplacement request;
  std::string error;
  if (!services::wire::decode(body, services::wire::Encoding::json, &request, &error)) return;
  if (const auto problem = registry::request_id_problem(request.request_id())) {
    check_words(*problem);
  }
  fuzz::check_round_trips(request);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  countries();
  event();
  const auto body = fuzz::as_text(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      manual_checkin(body);
      break;
    case 1:
      walk_in(body);
      break;
    default:
      replacement(body);
      break;
  }
  return 0;
}
