#include "services/store/key_commands.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace rollcall::services::store {
namespace {

using Type = redis::Reply::Type;

Command with_fields(Command command, const FieldPairs& fields) {
  command.reserve(command.size() + 2 * fields.size());
  for (const auto& [name, value] : fields) {
    command.push_back(name);
    command.push_back(value);
  }
  return command;
}

std::string score_text(double score) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.17g", score);
  return buffer;
}

std::optional<double> to_double(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || std::isnan(value)) return std::nullopt;
  return value;
}

}  // namespace

Command hash_read(std::string_view key) {
  return {"HGETALL", std::string(key)};
}
Command hash_field_read(std::string_view key, std::string_view field) {
  return {"HGET", std::string(key), std::string(field)};
}
Command hash_length_read(std::string_view key) {
  return {"HLEN", std::string(key)};
}
Command hash_field_exists_read(std::string_view key, std::string_view field) {
  return {"HEXISTS", std::string(key), std::string(field)};
}
Command set_read(std::string_view key) {
  return {"SMEMBERS", std::string(key)};
}
Command set_member_read(std::string_view key, std::string_view member) {
  return {"SISMEMBER", std::string(key), std::string(member)};
}
Command set_size_read(std::string_view key) {
  return {"SCARD", std::string(key)};
}
Command key_exists_read(std::string_view key) {
  return {"EXISTS", std::string(key)};
}
Command key_type_read(std::string_view key) {
  return {"TYPE", std::string(key)};
}
Command string_read(std::string_view key) {
  return {"GET", std::string(key)};
}
Command sorted_set_read(std::string_view key) {
  return {"ZRANGE", std::string(key), "0", "-1", "WITHSCORES"};
}
Command stream_info_read(std::string_view key) {
  return {"XINFO", "STREAM", std::string(key)};
}

Command hash_write(std::string_view key, const FieldPairs& fields) {
  return with_fields({"HSET", std::string(key)}, fields);
}
Command hash_field_write(std::string_view key, std::string_view field, std::string_view value) {
  return {"HSET", std::string(key), std::string(field), std::string(value)};
}
Command hash_field_create(std::string_view key, std::string_view field, std::string_view value) {
  return {"HSETNX", std::string(key), std::string(field), std::string(value)};
}
Command hash_field_delete(std::string_view key, std::string_view field) {
  return {"HDEL", std::string(key), std::string(field)};
}
Command set_add(std::string_view key, const std::vector<std::string>& members) {
  Command command = {"SADD", std::string(key)};
  command.insert(command.end(), members.begin(), members.end());
  return command;
}
Command set_remove(std::string_view key, std::string_view member) {
  return {"SREM", std::string(key), std::string(member)};
}
Command string_write(std::string_view key, std::string_view value) {
  return {"SET", std::string(key), std::string(value)};
}
Command counter_raise(std::string_view key) {
  return {"INCR", std::string(key)};
}
Command key_delete(std::string_view key) {
  return {"DEL", std::string(key)};
}
Command keys_unlink(const std::vector<std::string>& keys) {
  Command command = {"UNLINK"};
  command.insert(command.end(), keys.begin(), keys.end());
  return command;
}
Command key_rename(std::string_view from, std::string_view to) {
  return {"RENAME", std::string(from), std::string(to)};
}
Command stream_add(std::string_view key, std::string_view id, const FieldPairs& fields) {
  return with_fields({"XADD", std::string(key), std::string(id)}, fields);
}
Command stream_last_id_write(std::string_view key, std::string_view id) {
  return {"XSETID", std::string(key), std::string(id)};
}
Command sorted_set_add(std::string_view key,
                       const std::vector<std::pair<std::string, double>>& scored) {
  Command command = {"ZADD", std::string(key)};
  for (const auto& [member, score] : scored) {
    command.push_back(score_text(score));
    command.push_back(member);
  }
  return command;
}

Read<std::int64_t> read_count(const redis::Reply& reply) {
  if (reply.type != Type::integer || reply.integer < 0) {
    return Read<std::int64_t>::fail(unexpected(reply, "a count (integer >= 0)"));
  }
  return Read<std::int64_t>::ok(reply.integer);
}

Read<std::string> read_type(const redis::Reply& reply) {
  constexpr std::string_view kTypes[] = {"none", "string", "list", "set", "zset", "hash", "stream"};
  if (reply.type == Type::status || reply.type == Type::string) {
    for (const auto type : kTypes) {
      if (reply.str == type) return Read<std::string>::ok(reply.str);
    }
  }
  return Read<std::string>::fail(unexpected(reply, "a key type (TYPE's status)"));
}

Read<std::string> read_text(const redis::Reply& reply) {
  auto text = read_optional_text(reply, "a string or nil");
  if (!text) return Read<std::string>::fail(std::move(text.error));
  return Read<std::string>::ok(text->value_or(""));
}

Read<std::vector<std::pair<std::string, double>>> read_scored(const redis::Reply& reply) {
  using R = Read<std::vector<std::pair<std::string, double>>>;
  constexpr std::string_view kExpected = "members and their scores";
  auto pairs = read_pairs(reply, kExpected);
  if (!pairs) return R::fail(std::move(pairs.error));
  std::vector<std::pair<std::string, double>> scored;
  scored.reserve(pairs->size());
  for (auto& [member, score] : *pairs) {
    const auto number = to_double(score);
    if (!number) {
      return R::fail({.kind = "reply_shape",
                      .cause = "the score \"" + bounded_text(score) + "\" is not a number"});
    }
    scored.emplace_back(std::move(member), *number);
  }
  return R::ok(std::move(scored));
}

Read<std::optional<std::string>> read_stream_last_id(const redis::Reply& reply) {
  using R = Read<std::optional<std::string>>;
  constexpr std::string_view kExpected = "XINFO STREAM's names and values";
  if (reply.type != Type::array || reply.elements.size() % 2 != 0 ||
      reply.elements.size() > kMaxElements) {
    return R::fail(unexpected(reply, kExpected));
  }
  for (std::size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
    const auto& name = reply.elements[i];
    if (name.type != Type::string && name.type != Type::status) {
      return R::fail(unexpected(reply, kExpected));
    }
    if (name.str != "last-generated-id") continue;
    const auto& value = reply.elements[i + 1];
    if (value.type != Type::string && value.type != Type::status) {
      return R::fail(unexpected(value, "the last-generated-id"));
    }
    return R::ok(value.str);
  }
  return R::ok(std::nullopt);
}

}  // namespace rollcall::services::store
