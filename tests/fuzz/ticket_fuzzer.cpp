// Beacon tickets (services/auth/ticket.h) as a beacon presents them: any bytes. Nothing gets past
// the MAC without the key, so whatever is judged beyond "malformed" or "forged" must be exactly
// the ticket the key makes of its claims (the seeds are genuine tickets made with kKey).
#include <cstddef>
#include <cstdint>
#include <string>

#include "services/auth/ticket.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using namespace rollcall;
namespace auth = services::auth;

const std::string kKey(auth::kTicketKeyBytes, 'k');
constexpr std::int64_t kNow = 1751871600;  // the seeds are made for this time and event "fuzz"

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::quiet_protobuf();
  const auto text = fuzz::as_text(data, size);
  const auto check = auth::check_ticket(text, kKey, "fuzz", kNow);
  if (check.verdict == auth::TicketVerdict::malformed ||
      check.verdict == auth::TicketVerdict::forged) {
    return 0;
  }
  FUZZ_CHECK(text.size() <= auth::kMaxTicketLength);
  FUZZ_CHECK(auth::sign_ticket(check.claims, kKey) == text);
  FUZZ_CHECK(!check.claims.participant_id().empty());
  FUZZ_CHECK((check.verdict == auth::TicketVerdict::other_event) ==
             (check.claims.event_id() != "fuzz"));
  // Another key never accepts it.
  FUZZ_CHECK(
      auth::check_ticket(text, std::string(auth::kTicketKeyBytes, 'j'), "fuzz", kNow).verdict ==
      auth::TicketVerdict::forged);
  return 0;
}
