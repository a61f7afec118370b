#pragma once

// Replies of every shape, for the tests of services/store's parsers: each wrong shape must be
// answered by a clear, bounded ReplyError, never a crash.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "redis/reply.h"
#include "services/store/reply_read.h"

namespace rollcall::services::store::shapes {

using redis::Reply;
using Type = Reply::Type;

inline Reply text(std::string s) {
  return Reply{.type = Type::string, .str = std::move(s)};
}
inline Reply status(std::string s) {
  return Reply{.type = Type::status, .str = std::move(s)};
}
inline Reply integer(long long n) {
  return Reply{.type = Type::integer, .integer = n};
}
inline Reply nil() {
  return Reply{};
}
inline Reply error(std::string s) {
  return Reply{.type = Type::error, .str = std::move(s)};
}
inline Reply array(std::vector<Reply> elements) {
  return Reply{.type = Type::array, .elements = std::move(elements)};
}
inline Reply texts(const std::vector<std::string>& items) {
  std::vector<Reply> elements;
  for (const auto& item : items) elements.push_back(text(item));
  return array(std::move(elements));
}

inline std::string random_bytes(std::mt19937_64& random) {
  std::string s(random() % 4 == 0 ? random() % 600 : random() % 12, '\0');
  for (auto& c : s) c = static_cast<char>(random() % 256);
  return s;
}

// Any reply (arrays of fewer than `max_elements`): text (often a number), integers around 0, nil,
// errors, OK, nested arrays.
inline Reply random_reply(std::mt19937_64& random, int depth = 0, std::size_t max_elements = 6) {
  switch (random() % (depth > 2 ? 5 : 6)) {
    case 0:
      return text(random() % 3 == 0 ? std::to_string(static_cast<long long>(random() % 200) - 50)
                                    : random_bytes(random));
    case 1:
      return integer(static_cast<long long>(random() % 7) - 2);
    case 2:
      return nil();
    case 3:
      return error("ERR " + random_bytes(random));
    case 4:
      return status(random() % 2 ? "OK" : "hash");
    default: {
      std::vector<Reply> elements(random() % max_elements);
      for (auto& e : elements) e = random_reply(random, depth + 1, max_elements);
      return array(std::move(elements));
    }
  }
}

// The fixed wrong shapes: nil, error replies (one huge and not UTF-8), integers, text, status.
inline std::vector<Reply> basic_wrong_shapes() {
  return {nil(),
          error("ERR unknown command"),
          error(std::string(5000, '\xff')),
          integer(3),
          text("x"),
          status("OK")};
}

// A bounded, printable cause and a known kind.
inline void expect_clear(const ReplyError& error, const Reply& reply) {
  EXPECT_TRUE(error.kind == "error_reply" || error.kind == "reply_shape") << error.kind;
  EXPECT_FALSE(error.cause.empty());
  EXPECT_LE(error.cause.size(), 600u);
  for (const char c : error.cause) {
    EXPECT_TRUE(c >= 0x20 && c < 0x7f) << "unprintable byte in: " << error.cause;
  }
  if (reply.is_error()) {
    EXPECT_EQ(error.kind, "error_reply");
  }
}

template <class T>
void expect_refused(const Read<T>& read, const Reply& reply) {
  ASSERT_FALSE(read) << "a reply of shape " << shape_of(reply) << " was accepted";
  expect_clear(read.error, reply);
}

// `parse` on many random replies: refused clearly or accepted; returns how many were accepted.
template <class Parse>
int random_replies_through(Parse parse, unsigned seed, int count = 5000) {
  std::mt19937_64 random(seed);
  int accepted = 0;
  for (int i = 0; i < count; ++i) {
    const auto reply = random_reply(random);
    const auto read = parse(reply);
    if (read) {
      ++accepted;
    } else {
      expect_clear(read.error, reply);
    }
  }
  return accepted;
}

}  // namespace rollcall::services::store::shapes
