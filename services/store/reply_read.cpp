#include "services/store/reply_read.h"

#include <charconv>

namespace rollcall::services::store {
namespace {

using Type = redis::Reply::Type;

std::string_view type_name(Type type) {
  switch (type) {
    case Type::string:
      return "string";
    case Type::array:
      return "array";
    case Type::integer:
      return "integer";
    case Type::nil:
      return "nil";
    case Type::status:
      return "status";
    case Type::error:
      return "error";
  }
  return "unknown";
}

}  // namespace

std::string bounded_text(std::string_view text) {
  constexpr std::size_t kMax = 128;
  std::string out;
  out.reserve(std::min(text.size(), kMax) + 3);
  for (std::size_t i = 0; i < text.size() && i < kMax; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    out += c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '?';
  }
  if (text.size() > kMax) out += "...";
  return out;
}

std::string shape_of(const redis::Reply& reply) {
  std::string shape(type_name(reply.type));
  if (reply.type == Type::array)
    shape += " of " + std::to_string(reply.elements.size()) + " elements";
  return shape;
}

ReplyError unexpected(const redis::Reply& reply, std::string_view expected) {
  if (reply.is_error()) {
    return {.kind = "error_reply", .cause = "Redis answered \"" + bounded_text(reply.str) + "\""};
  }
  return {.kind = "reply_shape",
          .cause = "Redis answered " + shape_of(reply) + " where " + std::string(expected) +
                   " was expected"};
}

Read<std::int64_t> read_integer(const redis::Reply& reply, std::string_view expected) {
  if (reply.type != Type::integer) return Read<std::int64_t>::fail(unexpected(reply, expected));
  return Read<std::int64_t>::ok(reply.integer);
}

Read<std::optional<std::string>> read_optional_text(const redis::Reply& reply,
                                                    std::string_view expected) {
  using R = Read<std::optional<std::string>>;
  if (reply.type == Type::nil) return R::ok(std::nullopt);
  if (reply.type != Type::string) return R::fail(unexpected(reply, expected));
  return R::ok(reply.str);
}

Read<std::string_view> element_text(const redis::Reply& reply, std::size_t i,
                                    std::string_view expected, bool nil_as_empty) {
  using R = Read<std::string_view>;
  if (reply.type != Type::array || i >= reply.elements.size()) {
    return R::fail(unexpected(reply, expected));
  }
  const redis::Reply& element = reply.elements[i];
  if (element.type == Type::string || element.type == Type::status) return R::ok(element.str);
  if (element.type == Type::nil && nil_as_empty) return R::ok(std::string_view());
  return R::fail({.kind = "reply_shape",
                  .cause = "Redis answered " + shape_of(reply) + " whose element " +
                           std::to_string(i) + " is " + shape_of(element) + " where " +
                           std::string(expected) + " was expected"});
}

Read<std::vector<std::string>> read_texts(const redis::Reply& reply, std::string_view expected,
                                          std::size_t min, std::size_t max, bool nil_as_empty) {
  using R = Read<std::vector<std::string>>;
  if (reply.type != Type::array || reply.elements.size() < min || reply.elements.size() > max) {
    return R::fail(unexpected(reply, expected));
  }
  std::vector<std::string> texts;
  texts.reserve(reply.elements.size());
  for (std::size_t i = 0; i < reply.elements.size(); ++i) {
    if (reply.elements[i].type == Type::integer) {
      texts.push_back(std::to_string(reply.elements[i].integer));
      continue;
    }
    auto text = element_text(reply, i, expected, nil_as_empty);
    if (!text) return R::fail(std::move(text.error));
    texts.emplace_back(*text);
  }
  return R::ok(std::move(texts));
}

Read<std::vector<std::pair<std::string, std::string>>> read_pairs(const redis::Reply& reply,
                                                                  std::string_view expected) {
  using R = Read<std::vector<std::pair<std::string, std::string>>>;
  auto texts = read_texts(reply, expected, 0);
  if (!texts) return R::fail(std::move(texts.error));
  if (texts->size() % 2 != 0) return R::fail(unexpected(reply, expected));
  std::vector<std::pair<std::string, std::string>> pairs;
  pairs.reserve(texts->size() / 2);
  for (std::size_t i = 0; i + 1 < texts->size(); i += 2) {
    pairs.emplace_back(std::move((*texts)[i]), std::move((*texts)[i + 1]));
  }
  return R::ok(std::move(pairs));
}

std::optional<std::int64_t> to_int64(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace rollcall::services::store
