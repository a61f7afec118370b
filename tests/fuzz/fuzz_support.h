#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/util/message_differencer.h>

#include "services/registry/utf8.h"
#include "services/wire/codec.h"

namespace rollcall::fuzz {

// A broken invariant is a finding like a crash: abort() makes libFuzzer save the input.
[[noreturn]] inline void fail(const char* file, int line, const char* what) {
  std::fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, what);
  std::abort();
}

#define FUZZ_CHECK(condition) \
  ((condition) ? (void)0 : ::rollcall::fuzz::fail(__FILE__, __LINE__, #condition))

// Protobuf logs every string it refuses as invalid UTF-8: noise at thousands of inputs a second.
inline void quiet_protobuf() {
  google::protobuf::SetLogHandler(nullptr);
}

inline std::string_view as_text(const unsigned char* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// What a peer receives must be readable by it: encode, decode with the same encoding, and get
// the same message back (unknown fields aside: JSON has no way to carry them).
template <class Message>
void check_round_trip(const Message& message, services::wire::Encoding encoding) {
  Message expected = message;
  if (encoding == services::wire::Encoding::json) expected.DiscardUnknownFields();
  const auto bytes = services::wire::encode(message, encoding);
  Message back;
  std::string error;
  FUZZ_CHECK(services::wire::decode(bytes, encoding, &back, &error));
  FUZZ_CHECK(google::protobuf::util::MessageDifferencer::Equals(expected, back));
}

template <class Message>
void check_round_trips(const Message& message) {
  check_round_trip(message, services::wire::Encoding::binary);
  check_round_trip(message, services::wire::Encoding::json);
}

inline constexpr services::wire::Encoding kEncodings[] = {services::wire::Encoding::binary,
                                                          services::wire::Encoding::json};

}  // namespace rollcall::fuzz
