// Badge codes (services/badges, run by the gateway on every desk scan before anything else):
// any text is verified against an event's key and never passes unless it is exactly a code the
// issuer signed; claims built from the input are signed, verified back, and refused once
// altered; base32 and the secret key file are strict both ways.
#include <cstddef>
#include <cstdint>

#include <fuzzer/FuzzedDataProvider.h>

#include "services/badges/badge_code.h"
#include "services/badges/badge_day.h"
#include "services/badges/base32.h"
#include "services/badges/key_file.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/test_badge_key.h"

namespace {

using namespace rollcall;
namespace badges = services::badges;

constexpr std::string_view kEvent = "fuzz";

std::optional<v1::BadgeKey> lookup(std::string_view key_id) {
  if (key_id != fuzz::test_badge_key().key_id) return std::nullopt;
  return fuzz::test_badge_public_key();
}

std::optional<v1::BadgeKey> lookup_retired(std::string_view key_id) {
  auto key = lookup(key_id);
  if (key) key->mutable_retired_at()->set_seconds(1'780'000'000);
  return key;
}

// Arbitrary text as a scanned code.
void check_verify(std::string_view text) {
  const auto check = badges::verify_badge_code(text, kEvent, lookup);
  using Status = badges::CodeStatus;
  switch (check.status) {
    case Status::malformed:
      FUZZ_CHECK(check.claim == badges::BadgeClaim{});
      return;
    case Status::unknown_key:
    case Status::invalid_signature:
      FUZZ_CHECK(check.claim.event_id.empty() && check.claim.badge_id.empty());
      return;
    case Status::retired_key:
      FUZZ_CHECK(false);  // the key is not retired
      return;
    case Status::wrong_event:
      FUZZ_CHECK(check.claim.event_id != kEvent);
      [[fallthrough]];
    case Status::ok:
      FUZZ_CHECK(check.status == Status::wrong_event || check.claim.event_id == kEvent);
      // Ed25519 signatures are deterministic: an accepted code is exactly what the issuer
      // makes of its claim, so no second spelling of a genuine code exists.
      FUZZ_CHECK(badges::sign_badge(check.claim, fuzz::test_badge_key().secret_key) == text);
      FUZZ_CHECK(badges::verify_badge_code(text, kEvent, lookup_retired).status ==
                 Status::retired_key);
      return;
  }
}

void check_base32(std::string_view bytes) {
  const auto text = badges::base32_encode(bytes);
  FUZZ_CHECK(badges::base32_decode(text) == std::string(bytes));
  if (const auto decoded = badges::base32_decode(bytes)) {
    FUZZ_CHECK(badges::base32_encode(*decoded) == bytes);
  }
}

std::string fuzzed_day(FuzzedDataProvider& input) {
  switch (input.ConsumeIntegralInRange(0, 3)) {
    case 0:
      return {};
    case 1:
      return badges::format_day(input.ConsumeIntegralInRange(-1, 0x10000));
    case 2:
      return input.ConsumeRandomLengthString(12);
    default:
      return badges::format_day(input.ConsumeIntegralInRange(20'600, 20'700));  // 2026
  }
}

// A claim from the input: signed, verified, and refused once any one bit of it is flipped.
void check_sign(FuzzedDataProvider& input) {
  badges::BadgeClaim claim;
  claim.key_id = fuzz::test_badge_key().key_id;
  claim.event_id = input.ConsumeRandomLengthString(300);
  claim.badge_id = input.ConsumeRandomLengthString(300);
  claim.first_day = fuzzed_day(input);
  claim.last_day = fuzzed_day(input);
  const auto day = fuzzed_day(input);
  std::string code;
  try {
    code = badges::sign_badge(claim, fuzz::test_badge_key().secret_key);
  } catch (const std::invalid_argument&) {
    return;
  }
  FUZZ_CHECK(badges::looks_like_badge_code(code) && code.size() <= badges::kMaxCodeLength);
  const auto check = badges::verify_badge_code(code, claim.event_id, lookup);
  FUZZ_CHECK(check.status == badges::CodeStatus::ok && check.claim == claim);

  const auto first = badges::parse_day(claim.first_day);
  const auto last = badges::parse_day(claim.last_day);
  const auto today = badges::parse_day(day);
  const bool expected = today && (!first || *first <= *today) && (!last || *today <= *last);
  FUZZ_CHECK(badges::valid_on(claim, day) == expected);

  auto bytes = *badges::base32_decode(code.substr(badges::kCodePrefix.size()));
  const auto bit = input.ConsumeIntegralInRange<std::size_t>(0, bytes.size() * 8 - 1);
  bytes[bit / 8] = static_cast<char>(bytes[bit / 8] ^ (1 << (bit % 8)));
  const auto altered = std::string(badges::kCodePrefix) + badges::base32_encode(bytes);
  FUZZ_CHECK(badges::verify_badge_code(altered, claim.event_id, lookup).status !=
             badges::CodeStatus::ok);
}

void check_key_file(std::string_view text) {
  std::string error;
  const auto file = badges::parse_key_file(text, &error);
  if (!file) {
    FUZZ_CHECK(!error.empty());
    return;
  }
  const auto again =
      badges::parse_key_file(badges::format_key_file(file->event_id, file->key), &error);
  FUZZ_CHECK(again && again->event_id == file->event_id && again->key.key_id == file->key.key_id &&
             again->key.secret_key == file->key.secret_key);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::quiet_protobuf();
  fuzz::test_badge_key();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = fuzz::as_text(data, size);
  check_verify(text);
  check_base32(text);
  check_key_file(text);
  FuzzedDataProvider input(data, size);
  check_sign(input);
  return 0;
}
