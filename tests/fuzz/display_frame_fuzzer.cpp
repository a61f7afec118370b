// Display channel (gateway/server/display_session.cpp): a display may only ask for a snapshot.
// Every frame is decoded as a DisplayRequest in both encodings; a frame that does not decode is
// answered with a DisplayMessage error the display must be able to read.
#include <cstddef>
#include <cstdint>

#include "rollcall/v1/rollcall.pb.h"
#include "tests/fuzz/fuzz_support.h"

namespace {
using namespace rollcall;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::quiet_protobuf();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto frame = fuzz::as_text(data, size);
  for (const auto encoding : fuzz::kEncodings) {
    v1::DisplayRequest request;
    std::string error;
    if (services::wire::decode(frame, encoding, &request, &error)) {
      fuzz::check_round_trips(request);
      continue;
    }
    FUZZ_CHECK(!error.empty());
    v1::DisplayMessage message;
    message.mutable_error()->set_code("malformed");
    message.mutable_error()->set_message(error);
    fuzz::check_round_trip(message, encoding);
  }
  return 0;
}
