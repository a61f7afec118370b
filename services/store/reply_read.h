#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "redis/reply.h"

// How every reply the store's commands get is read: one place says what shape is expected and
// answers a clear error for any other (nil, an error reply, an integer where an array belongs, a
// short or oversized array, a nested reply where text belongs). Pure: no connection here.
namespace rollcall::services::store {

// Why a reply could not be used. `kind` is a metrics label the gateway counts under
// (rollcall_redis_failures_total{kind}): "error_reply" (Redis refused the command) or
// "reply_shape" (a reply of another shape, e.g. a foreign Functions library). `cause` is bounded
// (printable ASCII, at most ~200 bytes of Redis's own text) so it can be logged as it is.
struct ReplyError {
  std::string_view kind;
  std::string cause;
};

// A parsed reply or the reason it could not be parsed.
template <class T>
struct Read {
  std::optional<T> value;
  ReplyError error;

  explicit operator bool() const { return value.has_value(); }
  const T& operator*() const& { return *value; }
  T& operator*() & { return *value; }
  const T* operator->() const { return &*value; }
  T* operator->() { return &*value; }

  static Read ok(T v) { return Read{std::move(v), {}}; }
  static Read fail(ReplyError e) { return Read{std::nullopt, std::move(e)}; }
};

// Redis's own text, bounded for a log line: printable ASCII kept, any other byte as "?", cut at
// 128 bytes with "...".
std::string bounded_text(std::string_view text);
// "string", "array of 3 elements", ...
std::string shape_of(const redis::Reply& reply);
// The error for `reply` where `expected` was expected (an error reply says what Redis said).
ReplyError unexpected(const redis::Reply& reply, std::string_view expected);

// No array reply of the store's commands is larger than this (a log page, a registry of a big
// event flattened ten fields a badge): anything beyond is refused rather than held.
inline constexpr std::size_t kMaxElements = 10'000'000;

// An integer reply.
Read<std::int64_t> read_integer(const redis::Reply& reply, std::string_view expected);
// A string reply, or nullopt for nil (HGET of a missing field or key).
Read<std::optional<std::string>> read_optional_text(const redis::Reply& reply,
                                                    std::string_view expected);
// An array of strings, integers (as decimal) or status replies, of min..max elements; nil
// elements only when `nil_as_empty` (they become "").
Read<std::vector<std::string>> read_texts(const redis::Reply& reply, std::string_view expected,
                                          std::size_t min, std::size_t max = kMaxElements,
                                          bool nil_as_empty = false);
// Element `i` of an array reply as a view of its text (a string or status reply; nil as "" when
// `nil_as_empty`), or the error naming the element. Integers have no text to view: a caller that
// takes them reads `integer` first (read_texts gives their decimal).
Read<std::string_view> element_text(const redis::Reply& reply, std::size_t i,
                                    std::string_view expected, bool nil_as_empty = false);
// An HGETALL reply: field/value pairs in order.
Read<std::vector<std::pair<std::string, std::string>>> read_pairs(const redis::Reply& reply,
                                                                  std::string_view expected);
// A whole decimal integer (no sign other than "-", no spaces, no trailing bytes).
std::optional<std::int64_t> to_int64(std::string_view text);

}  // namespace rollcall::services::store
