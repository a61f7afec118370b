#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace rollcall::gateway::server::ws {

// The server side of RFC 6455 framing without sockets, for the channels that write shared bytes
// themselves (displays): the header of an unmasked server frame, so a frame is built once and
// written as is to every connection, and an incremental parser of client frames holding the
// rules Beast held for us (masking, reserved bits, opcodes, control frames, the message limit,
// UTF-8 in text).

enum class Opcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

// Close codes this side sends or reads.
inline constexpr std::uint16_t kCloseNormal = 1000;
inline constexpr std::uint16_t kCloseProtocolError = 1002;
inline constexpr std::uint16_t kCloseNoStatus = 1005;  // a close frame without a code
inline constexpr std::uint16_t kCloseBadPayload = 1007;
inline constexpr std::uint16_t kClosePolicy = 1008;
inline constexpr std::uint16_t kCloseTooBig = 1009;

inline constexpr std::size_t kMaxServerHeader = 10;
inline constexpr std::size_t kMaxControlPayload = 125;

// The header of a final, unmasked frame of `payload_size` bytes: 2, 4 or 10 bytes written to
// `out`, their count returned.
std::size_t server_header(Opcode opcode, std::uint64_t payload_size,
                          std::array<std::uint8_t, kMaxServerHeader>& out);

// Header and payload in one string: what a connection writes as is.
std::string server_frame(Opcode opcode, std::string_view payload);

// A close frame; `reason` is cut at a character boundary to fit the 125 bytes of a control
// frame. kCloseNoStatus gives an empty close frame (no code).
std::string close_frame(std::uint16_t code, std::string_view reason = {});

// Whether a peer may send `code` in a close frame (RFC 6455 7.4, as Beast checks it).
bool is_valid_close_code(std::uint16_t code);

// The code a server answers a peer's close with: the peer's own, 1000 for an empty close.
inline std::uint16_t close_answer(std::uint16_t peer_code) {
  return peer_code == kCloseNoStatus ? kCloseNormal : peer_code;
}

// UTF-8 checked a byte at a time, so a text message split anywhere (inside a character too) is
// checked as it arrives, each byte once, and fails at its first bad byte as Beast's does.
class Utf8Check {
 public:
  bool add(std::string_view bytes);             // false once the text so far cannot be UTF-8
  bool complete() const { return need_ == 0; }  // no character left unfinished
  void reset() { *this = Utf8Check(); }

 private:
  std::uint8_t need_ = 0;  // continuation bytes still to come
  std::uint8_t low_ = 0x80;
  std::uint8_t high_ = 0xBF;
};

// What the parser found: need_more (all input used), a whole message, a control frame, or a
// failure and the code to close with.
struct ClientEvent {
  // fragment: a data frame that does not end its message (payload: its own bytes, also kept for
  // the message), said so that it can be charged: an endless message of empty fragments grows
  // nothing.
  enum class Kind { need_more, message, fragment, ping, pong, close, failed };
  Kind kind = Kind::need_more;
  bool text = false;         // message: a text message (valid UTF-8)
  std::string_view payload;  // message, ping, pong: the payload; close: the reason. Valid until
                             // the next call of next().
  std::uint16_t code = 0;    // close: the peer's code (kCloseNoStatus if none); failed: ours
  std::string_view error;    // failed: why, for the log
};

// Reads a client's frames as they come, in pieces of any size. Data frames are unmasked into
// the message being assembled (fragments joined) up to `max_message` bytes; control frames may
// come between fragments. After a failure every call returns it again.
class ClientFrameParser {
 public:
  explicit ClientFrameParser(std::size_t max_message) : max_message_(max_message) {}

  // Consumes `input` up to the end of the next event and returns it; need_more when all of
  // `input` was consumed without completing one.
  ClientEvent next(std::string_view& input);

  std::size_t max_message() const { return max_message_; }

 private:
  ClientEvent fail(std::uint16_t code, std::string_view why);
  // The header in header_ is complete: checks it and prepares the payload. nullopt: go on.
  bool start_frame(ClientEvent* failure);
  ClientEvent finish_frame();

  std::size_t max_message_;
  std::array<std::uint8_t, 14> header_{};
  std::size_t header_have_ = 0;
  bool in_payload_ = false;
  // The frame being read.
  bool fin_ = false;
  Opcode opcode_ = Opcode::continuation;
  std::uint64_t remaining_ = 0;
  std::size_t frame_length_ = 0;
  std::array<std::uint8_t, 4> mask_{};
  std::size_t mask_at_ = 0;
  // The message being assembled, and the control frame being read.
  bool in_message_ = false;
  bool message_text_ = false;
  std::string message_;
  Utf8Check utf8_;  // text: the message so far
  std::string control_;
  bool delivered_message_ = false;  // message_ was handed out: cleared on the next call
  bool failed_ = false;
  ClientEvent failure_;
};

// Which frames cost a token of a channel's frame rate: every one a client sends but its close,
// except a fragment carrying this much or more. A message's bytes are bounded by the message
// limit, so large fragments cannot go on for ever; small ones can (an endless message of empty
// fragments), and client libraries that split messages use 4 KiB frames or more.
inline constexpr std::size_t kChargedFragmentBelow = 1024;
inline bool charged_fragment(std::size_t payload_size) {
  return payload_size < kChargedFragmentBelow;
}

// Follows a client's frames through the bytes of its connection without keeping them, for the
// channels Beast reads: Beast reads all of a message's fragments and the control frames between
// them inside one read, so only the stream sees each frame go by, before Beast acts on any.
// After a header no client may send (a length of 2^63 or more) it counts nothing more: Beast
// fails the connection on it.
class FrameBoundaries {
 public:
  // The frames whose header completes in `bytes` and that cost a token (see charged_fragment).
  std::size_t charged_in(std::string_view bytes);

 private:
  std::array<std::uint8_t, 14> header_{};
  std::size_t header_have_ = 0;
  std::uint64_t payload_left_ = 0;
  bool lost_ = false;  // after an impossible length
};

}  // namespace rollcall::gateway::server::ws
