// WebSocket frames from a client (gateway/server/ws_frame.cpp), as a display's socket delivers
// them: any bytes, cut into pieces anywhere. The first byte picks the message limit and the
// pieces. Whatever the parser hands out holds: messages within the limit, text messages valid
// UTF-8 (checked by services/registry's validator, not the parser's own), control payloads of
// at most 125 bytes, close codes a peer may send; a failure is final and carries 1002, 1007 or
// 1009; and the events do not depend on how the bytes were cut.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "gateway/server/ws_frame.h"
#include "services/registry/utf8.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using namespace rollcall::gateway::server::ws;

struct Seen {
  ClientEvent::Kind kind;
  bool text;
  std::string payload;
  std::uint16_t code;
  bool operator==(const Seen&) const = default;
};

std::vector<Seen> parse(std::string_view bytes, std::size_t max, std::size_t piece) {
  ClientFrameParser parser(max);
  std::vector<Seen> seen;
  while (true) {
    const bool last = bytes.size() <= piece;
    std::string_view input = bytes.substr(0, piece);
    bytes.remove_prefix(input.size());
    for (;;) {
      const auto event = parser.next(input);
      using Kind = ClientEvent::Kind;
      if (event.kind == Kind::need_more) {
        FUZZ_CHECK(input.empty());
        break;
      }
      seen.push_back({event.kind, event.text, std::string(event.payload), event.code});
      switch (event.kind) {
        case Kind::message:
          FUZZ_CHECK(event.payload.size() <= max);
          FUZZ_CHECK(!event.text || rollcall::services::registry::is_valid_utf8(event.payload));
          break;
        case Kind::ping:
        case Kind::pong:
          FUZZ_CHECK(event.payload.size() <= kMaxControlPayload);
          break;
        case Kind::fragment:
          FUZZ_CHECK(event.payload.size() <= max);
          break;
        case Kind::close:
          FUZZ_CHECK(event.code == kCloseNoStatus || is_valid_close_code(event.code));
          FUZZ_CHECK(event.payload.size() <= kMaxControlPayload - 2);
          FUZZ_CHECK(rollcall::services::registry::is_valid_utf8(event.payload));
          return seen;
        case Kind::failed: {
          FUZZ_CHECK(event.code == kCloseProtocolError || event.code == kCloseBadPayload ||
                     event.code == kCloseTooBig);
          FUZZ_CHECK(!event.error.empty());
          std::string_view more = "\x82\x80\0\0\0\0";
          const auto again = parser.next(more);
          FUZZ_CHECK(again.kind == Kind::failed && again.code == event.code);
          return seen;
        }
        case Kind::need_more:
          break;
      }
    }
    if (last) return seen;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto bytes = rollcall::fuzz::as_text(data + 1, size - 1);
  static constexpr std::size_t kLimits[] = {0, 1, 125, 126, 300, 65536};
  const auto max = kLimits[data[0] % 6];
  const auto whole = parse(bytes, max, bytes.size() + 1);
  const std::size_t piece = 1 + (data[0] >> 3);  // 1 to 32 bytes at a time
  FUZZ_CHECK(parse(bytes, max, piece) == whole);
  FUZZ_CHECK(parse(bytes, max, 1) == whole);
  // The wire-only charges (FrameBoundaries, for Beast's channels) agree with the parser's events
  // on every stream the parser read without a failure, whatever the pieces; the wire counts a
  // frame at its header, the parser at its end, so a last frame still arriving is counted by it
  // alone. Every stream is fed to it, broken ones too.
  FrameBoundaries boundaries;
  std::size_t counted = 0;
  for (std::size_t at = 0; at < bytes.size(); at += piece) {
    counted += boundaries.charged_in(bytes.substr(at, piece));
  }
  const bool clean = whole.empty() || (whole.back().kind != ClientEvent::Kind::failed &&
                                       whole.back().kind != ClientEvent::Kind::close);
  if (clean) {
    const auto charged =
        static_cast<std::size_t>(std::count_if(whole.begin(), whole.end(), [](const Seen& s) {
          return s.kind == ClientEvent::Kind::fragment ? charged_fragment(s.payload.size())
                                                       : s.kind != ClientEvent::Kind::close;
        }));
    FUZZ_CHECK(counted == charged || counted == charged + 1);
  }
  return 0;
}
