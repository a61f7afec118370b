// Desk channel (gateway/scan_handler.cpp): every frame is decoded as a ScanRequest in both
// encodings; its badge is proven (for an event without badge keys and for one that signs with
// the test key), the request validated, and a valid one gets its timing, its day check and its
// FCALL arguments. Whatever the frame, the answer the desk would get must be readable by it.
#include <chrono>
#include <cstddef>
#include <cstdint>

#include <date/tz.h>

#include "rollcall/v1/rollcall.pb.h"
#include "services/badges/badge_code.h"
#include "services/checkin/badge_code_check.h"
#include "services/checkin/scan_outcome.h"
#include "services/checkin/scan_timing.h"
#include "services/checkin/scan_validator.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/test_badge_key.h"

namespace {

using namespace rollcall;
namespace badges = services::badges;
namespace checkin = services::checkin;
namespace wire = services::wire;

constexpr std::int64_t kServerMs = 1'780'000'000'000;  // 2026-05-28T20:26:40Z
constexpr std::int64_t kOldestMs =
    kServerMs -
    std::chrono::duration_cast<std::chrono::milliseconds>(checkin::kOldestReplay).count();

// A zone with a 45-minute offset and daylight saving: day and minute cuts are not UTC's.
const date::time_zone* event_zone() {
  static const date::time_zone* zone = date::locate_zone("Pacific/Chatham");
  return zone;
}

void check_accepted(const v1::ScanRequest& request, const checkin::BadgeProof& proof,
                    wire::Encoding encoding) {
  FUZZ_CHECK(checkin::is_identifier(request.scan_id(), 128));
  FUZZ_CHECK(checkin::is_identifier(request.badge_id()));
  FUZZ_CHECK(request.direction() == v1::in || request.direction() == v1::out);
  // A request the gateway accepts can be written in either encoding (a desk replays it as JSON
  // or binary from its offline queue).
  fuzz::check_round_trips(request);

  const auto timing = checkin::scan_timing(request, kServerMs, event_zone());
  FUZZ_CHECK(timing.effective_ms <= kServerMs);
  FUZZ_CHECK(timing.effective_ms >= kOldestMs);
  FUZZ_CHECK(timing.day.size() == 10);
  FUZZ_CHECK(timing.minute.size() == 16 && timing.minute.starts_with(timing.day));
  FUZZ_CHECK(!timing.late || timing.effective_ms < kServerMs);

  const auto refusal = checkin::check_badge_day(proof, request, timing.day);
  FUZZ_CHECK(refusal.has_value() == (proof.claim && !badges::valid_on(*proof.claim, timing.day)));
  if (refusal) {
    FUZZ_CHECK(refusal->status() == v1::wrong_day);
    fuzz::check_round_trip(*refusal, encoding);
    return;
  }

  const auto command = checkin::scan_command("fuzz", request, timing, kServerMs, 500).args();
  FUZZ_CHECK(command.size() == 17);
  FUZZ_CHECK(command[4] == request.scan_id());
  // No absurd clock reaches the log: the device time kept is a believed one, or the server's.
  const auto stored = std::stoll(command[9]);
  FUZZ_CHECK(stored >= kOldestMs && stored <= kServerMs + 5 * 60'000);
  FUZZ_CHECK(timing.device_time_ignored == (request.has_device_time() && !timing.device_ms));
  FUZZ_CHECK(command[14] == "500");
  FUZZ_CHECK(command[15] == (timing.device_time_ignored ? "1" : "0"));
  // The desk's offline verdict reaches the function as one of three words, never raw input.
  FUZZ_CHECK(command[16] == (request.offline_verdict() == v1::offline_admitted  ? "admitted"
                             : request.offline_verdict() == v1::offline_refused ? "refused"
                                                                                : ""));
}

void check_request(v1::ScanRequest request, const checkin::BadgeKeys& keys,
                   wire::Encoding encoding) {
  const bool signed_code = badges::looks_like_badge_code(request.badge_id());
  const auto proof = checkin::prove_badge(&request, "fuzz", keys);
  if (proof.refusal) {
    FUZZ_CHECK(signed_code || !keys.empty());
    FUZZ_CHECK(proof.refusal->status() == v1::invalid_signature);
    fuzz::check_round_trip(*proof.refusal, encoding);
    return;
  }
  // Past the proof, an event with keys only ever sees badge ids its signature vouched for.
  FUZZ_CHECK(proof.claim.has_value() == signed_code);
  FUZZ_CHECK(keys.empty() || proof.claim);
  if (auto why = checkin::validate_scan(request)) {
    fuzz::check_round_trip(checkin::malformed_result(request.scan_id(), *why), encoding);
    return;
  }
  check_accepted(request, proof, encoding);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::quiet_protobuf();
  event_zone();  // loads the tz database once, outside the timed runs
  fuzz::test_badge_keys();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto frame = fuzz::as_text(data, size);
  for (const auto encoding : fuzz::kEncodings) {
    v1::ScanRequest request;
    std::string error;
    if (!wire::decode(frame, encoding, &request, &error)) {
      FUZZ_CHECK(!error.empty());
      fuzz::check_round_trip(checkin::malformed_result("", error), encoding);
      continue;
    }
    fuzz::check_round_trip(request, wire::Encoding::binary);
    check_request(request, {}, encoding);
    check_request(request, fuzz::test_badge_keys(), encoding);
  }
  return 0;
}
