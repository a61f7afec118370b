#include "gateway/server/ws_frame.h"

#include <algorithm>

namespace rollcall::gateway::server::ws {
namespace {

bool is_control(Opcode opcode) {
  return (static_cast<std::uint8_t>(opcode) & 0x8) != 0;
}

bool is_known(std::uint8_t opcode) {
  switch (static_cast<Opcode>(opcode)) {
    case Opcode::continuation:
    case Opcode::text:
    case Opcode::binary:
    case Opcode::close:
    case Opcode::ping:
    case Opcode::pong:
      return true;
  }
  return false;
}

// Bytes 0 and 1 plus the extended length, then the masking key.
std::size_t header_size(std::uint8_t second) {
  const auto length = second & 0x7F;
  return 2 + (length == 126 ? 2 : length == 127 ? 8 : 0) + ((second & 0x80) ? 4 : 0);
}

// The payload length a whole header announces: its 7 bits, or the 16 or 64 bits after them.
std::uint64_t payload_length(const std::array<std::uint8_t, 14>& header) {
  const std::uint64_t bits = header[1] & 0x7F;
  if (bits == 126) return (std::uint64_t{header[2]} << 8) | header[3];
  if (bits < 126) return bits;
  std::uint64_t length = 0;
  for (int i = 0; i < 8; ++i) length = (length << 8) | header[2 + i];
  return length;
}

}  // namespace

std::size_t server_header(Opcode opcode, std::uint64_t payload_size,
                          std::array<std::uint8_t, kMaxServerHeader>& out) {
  out[0] = static_cast<std::uint8_t>(0x80 | static_cast<std::uint8_t>(opcode));
  if (payload_size < 126) {
    out[1] = static_cast<std::uint8_t>(payload_size);
    return 2;
  }
  if (payload_size <= 0xFFFF) {
    out[1] = 126;
    out[2] = static_cast<std::uint8_t>(payload_size >> 8);
    out[3] = static_cast<std::uint8_t>(payload_size);
    return 4;
  }
  out[1] = 127;
  for (int i = 0; i < 8; ++i) out[2 + i] = static_cast<std::uint8_t>(payload_size >> (56 - 8 * i));
  return 10;
}

std::string server_frame(Opcode opcode, std::string_view payload) {
  std::array<std::uint8_t, kMaxServerHeader> header;
  const auto size = server_header(opcode, payload.size(), header);
  std::string frame;
  frame.reserve(size + payload.size());
  frame.append(reinterpret_cast<const char*>(header.data()), size);
  frame.append(payload);
  return frame;
}

std::string close_frame(std::uint16_t code, std::string_view reason) {
  if (code == kCloseNoStatus) return server_frame(Opcode::close, {});
  std::size_t keep = std::min(reason.size(), kMaxControlPayload - 2);
  // Never half a character: back off over continuation bytes.
  if (keep < reason.size()) {
    while (keep > 0 && (static_cast<std::uint8_t>(reason[keep]) & 0xC0) == 0x80) --keep;
  }
  std::string payload;
  payload.push_back(static_cast<char>(code >> 8));
  payload.push_back(static_cast<char>(code & 0xFF));
  payload.append(reason.substr(0, keep));
  return server_frame(Opcode::close, payload);
}

bool Utf8Check::add(std::string_view bytes) {
  for (const char c : bytes) {
    const auto b = static_cast<std::uint8_t>(c);
    if (need_ > 0) {
      if (b < low_ || b > high_) return false;
      --need_;
      low_ = 0x80;
      high_ = 0xBF;
      continue;
    }
    if (b < 0x80) continue;
    // The first byte decides how many follow and, for the edges (overlong forms, surrogates,
    // past U+10FFFF), the range of the next one.
    if (b >= 0xC2 && b <= 0xDF) {
      need_ = 1;
    } else if (b == 0xE0) {
      need_ = 2, low_ = 0xA0;
    } else if (b == 0xED) {
      need_ = 2, high_ = 0x9F;
    } else if (b >= 0xE1 && b <= 0xEF) {
      need_ = 2;
    } else if (b == 0xF0) {
      need_ = 3, low_ = 0x90;
    } else if (b == 0xF4) {
      need_ = 3, high_ = 0x8F;
    } else if (b >= 0xF1 && b <= 0xF3) {
      need_ = 3;
    } else {
      return false;
    }
  }
  return true;
}

bool is_valid_close_code(std::uint16_t code) {
  switch (code) {
    case 1000:
    case 1001:
    case 1002:
    case 1003:
    case 1007:
    case 1008:
    case 1009:
    case 1010:
    case 1011:
    case 1012:
    case 1013:
      return true;
    default:
      // 1004-1006 and 1014-2999 are reserved, below 1000 unused; 3000 and up are for
      // libraries and applications.
      return code >= 3000;
  }
}

ClientEvent ClientFrameParser::fail(std::uint16_t code, std::string_view why) {
  failed_ = true;
  failure_ = ClientEvent{.kind = ClientEvent::Kind::failed, .code = code, .error = why};
  return failure_;
}

ClientEvent ClientFrameParser::next(std::string_view& input) {
  if (failed_) return failure_;
  if (delivered_message_) {
    delivered_message_ = false;
    // A large message's buffer is not kept for the rest of the connection.
    if (message_.capacity() > 4096) {
      std::string().swap(message_);
    } else {
      message_.clear();
    }
  }
  for (;;) {
    if (!in_payload_) {
      const auto take = [&](std::size_t want) {
        const auto n = std::min(want - header_have_, input.size());
        std::copy_n(input.data(), n, header_.data() + header_have_);
        header_have_ += n;
        input.remove_prefix(n);
      };
      if (header_have_ < 2) take(2);
      if (header_have_ < 2) return {};
      const auto need = header_size(header_[1]);
      take(need);
      if (header_have_ < need) return {};
      // Checked once the header is whole, as Beast does.
      const auto first = header_[0];
      const auto second = header_[1];
      const auto opcode = static_cast<std::uint8_t>(first & 0x0F);
      if ((first & 0x70) != 0) return fail(kCloseProtocolError, "reserved bits set");
      if (!is_known(opcode)) return fail(kCloseProtocolError, "unknown opcode");
      if ((second & 0x80) == 0) return fail(kCloseProtocolError, "unmasked client frame");
      if (is_control(static_cast<Opcode>(opcode))) {
        if ((first & 0x80) == 0) return fail(kCloseProtocolError, "fragmented control frame");
        if ((second & 0x7F) > kMaxControlPayload) {
          return fail(kCloseProtocolError, "control frame over 125 bytes");
        }
      } else if (static_cast<Opcode>(opcode) == Opcode::continuation) {
        if (!in_message_) return fail(kCloseProtocolError, "continuation without a message");
      } else if (in_message_) {
        return fail(kCloseProtocolError, "new message inside a fragmented one");
      }
      ClientEvent failure;
      if (!start_frame(&failure)) return failure;
    }
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, input.size()));
    auto& into = is_control(opcode_) ? control_ : message_;
    const auto at = into.size();
    into.resize(at + n);
    for (std::size_t i = 0; i < n; ++i) {
      into[at + i] = static_cast<char>(static_cast<std::uint8_t>(input[i]) ^ mask_[mask_at_++ & 3]);
    }
    if (!is_control(opcode_) && message_text_ && !utf8_.add(std::string_view(into).substr(at, n))) {
      return fail(kCloseBadPayload, "text message not UTF-8");
    }
    input.remove_prefix(n);
    remaining_ -= n;
    if (remaining_ > 0) return {};
    in_payload_ = false;
    header_have_ = 0;
    auto event = finish_frame();
    if (event.kind != ClientEvent::Kind::need_more) return event;
  }
}

bool ClientFrameParser::start_frame(ClientEvent* failure) {
  const auto first = header_[0];
  const auto second = header_[1];
  fin_ = (first & 0x80) != 0;
  opcode_ = static_cast<Opcode>(first & 0x0F);
  const auto length = payload_length(header_);
  const auto bits = second & 0x7F;
  if ((bits == 126 && length < 126) || (bits == 127 && length <= 0xFFFF)) {
    *failure = fail(kCloseProtocolError, "length not in its shortest form");
    return false;
  }
  // Client frames are masked (checked before): the key ends the header.
  std::copy_n(header_.data() + header_size(second) - 4, 4, mask_.data());
  mask_at_ = 0;
  if (is_control(opcode_)) {
    control_.clear();
  } else {
    if (length > max_message_ - message_.size()) {
      *failure = fail(kCloseTooBig, "message over the limit");
      return false;
    }
    if (length >> 63) {  // only with a limit this large
      *failure = fail(kCloseProtocolError, "length with its top bit set");
      return false;
    }
    if (opcode_ != Opcode::continuation) {
      in_message_ = true;
      message_text_ = opcode_ == Opcode::text;
      message_.clear();
      utf8_.reset();
    }
    // No reserve for the announced length: a client could announce 64 KiB and send a byte a
    // minute. The message grows only with what has arrived.
  }
  remaining_ = length;
  frame_length_ = static_cast<std::size_t>(length);  // data frames: within max_message_
  in_payload_ = true;
  return true;
}

ClientEvent ClientFrameParser::finish_frame() {
  using Kind = ClientEvent::Kind;
  switch (opcode_) {
    case Opcode::ping:
      return {.kind = Kind::ping, .payload = control_};
    case Opcode::pong:
      return {.kind = Kind::pong, .payload = control_};
    case Opcode::close: {
      if (control_.empty()) return {.kind = Kind::close, .code = kCloseNoStatus};
      if (control_.size() == 1) return fail(kCloseProtocolError, "close frame of one byte");
      const auto code = static_cast<std::uint16_t>((static_cast<std::uint8_t>(control_[0]) << 8) |
                                                   static_cast<std::uint8_t>(control_[1]));
      if (!is_valid_close_code(code)) return fail(kCloseProtocolError, "invalid close code");
      const auto reason = std::string_view(control_).substr(2);
      if (Utf8Check check; !check.add(reason) || !check.complete()) {
        return fail(kCloseProtocolError, "close reason not UTF-8");
      }
      return {.kind = Kind::close, .payload = reason, .code = code};
    }
    default:
      break;
  }
  if (!fin_) {
    return {.kind = Kind::fragment,
            .payload = std::string_view(message_).substr(message_.size() - frame_length_)};
  }
  in_message_ = false;
  if (message_text_ && !utf8_.complete()) return fail(kCloseBadPayload, "text message not UTF-8");
  delivered_message_ = true;
  return {.kind = Kind::message, .text = message_text_, .payload = message_};
}

std::size_t FrameBoundaries::charged_in(std::string_view bytes) {
  std::size_t charged = 0;
  while (!bytes.empty() && !lost_) {
    if (payload_left_ > 0) {
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(payload_left_, bytes.size()));
      payload_left_ -= n;
      bytes.remove_prefix(n);
      continue;
    }
    header_[header_have_++] = static_cast<std::uint8_t>(bytes.front());
    bytes.remove_prefix(1);
    if (header_have_ < 2 || header_have_ < header_size(header_[1])) continue;
    header_have_ = 0;
    const auto length = payload_length(header_);
    if (length >> 63) lost_ = true;  // Beast refuses it
    const auto opcode = static_cast<Opcode>(header_[0] & 0x0F);
    const bool fin = (header_[0] & 0x80) != 0;
    if (opcode != Opcode::close && (fin || is_control(opcode) || charged_fragment(length))) {
      ++charged;
    }
    payload_left_ = length;
  }
  return charged;
}

}  // namespace rollcall::gateway::server::ws
