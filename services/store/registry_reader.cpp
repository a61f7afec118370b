#include "services/store/registry_reader.h"

#include <algorithm>

#include "services/store/function_library.h"
#include "services/store/key_scan.h"
#include "services/store/keys.h"

namespace rollcall::services::store {
namespace {

using Type = redis::Reply::Type;

// The badge of `id` and its record fields (kBadgeRecordFields order); nullopt when the badge
// is not there (listed but deleted since: no category).
std::optional<v1::Badge> badge_of(std::string_view id, const redis::Reply* fields) {
  if (fields[1].type == Type::nil) return std::nullopt;
  v1::Badge badge;
  badge.set_badge_id(std::string(id));
  badge.set_country(fields[0].str);
  badge.set_category(fields[1].str);
  badge.set_name(fields[2].str);
  badge.set_organization(fields[3].str);
  badge.set_revoked(fields[4].str == "1");
  // A replaced badge and its successor, walk-ins (services/store/rollcall.lua): the exports
  // fold per person and the desk sync seals them so an offline desk refuses the old code.
  if (fields[5].str != badge.badge_id()) badge.set_person_id(fields[5].str);
  badge.set_revoked_reason(fields[6].str);
  badge.set_replaced_by(fields[7].str);
  badge.set_registered_by(fields[8].str);
  return badge;
}

// Every element text or nil (a field the hash does not have).
std::optional<std::size_t> first_not_text(const std::vector<redis::Reply>& elements) {
  for (std::size_t i = 0; i < elements.size(); ++i) {
    const auto type = elements[i].type;
    if (type != Type::string && type != Type::nil) return i;
  }
  return std::nullopt;
}

}  // namespace

std::vector<std::string> registry_read(std::string_view event_id) {
  std::vector<std::string> args = {"FCALL_RO", std::string(kRegistryFunction), "1", tag(event_id)};
  for (const auto field : kBadgeRecordFields) args.emplace_back(field);
  return args;
}

Read<std::vector<v1::Badge>> read_registry(const redis::Reply& reply) {
  using R = Read<std::vector<v1::Badge>>;
  constexpr std::size_t kRow = 1 + kBadgeRecordFieldCount;
  if (reply.type != Type::array || reply.elements.size() % kRow != 0 ||
      reply.elements.size() > kMaxElements) {
    return R::fail(unexpected(reply, "the registry (rows of badge id and 9 fields)"));
  }
  if (const auto bad = first_not_text(reply.elements)) {
    return R::fail({.kind = "reply_shape",
                    .cause = "the registry's element " + std::to_string(*bad) + " is " +
                             shape_of(reply.elements[*bad]) + ", not text or nil"});
  }
  std::vector<v1::Badge> badges;
  badges.reserve(reply.elements.size() / kRow);
  for (std::size_t i = 0; i < reply.elements.size(); i += kRow) {
    const auto& id = reply.elements[i];
    if (id.type != Type::string) {
      return R::fail(
          {.kind = "reply_shape",
           .cause = "the registry's row " + std::to_string(i / kRow) + " has no badge id"});
    }
    if (auto badge = badge_of(id.str, &reply.elements[i + 1])) badges.push_back(std::move(*badge));
  }
  std::sort(badges.begin(), badges.end(),
            [](const auto& a, const auto& b) { return a.badge_id() < b.badge_id(); });
  return R::ok(std::move(badges));
}

std::vector<std::string> badge_record_read(std::string_view event_id, std::string_view badge_id) {
  std::vector<std::string> args = {"HMGET", badge_key(event_id, badge_id)};
  for (const auto field : kBadgeRecordFields) args.emplace_back(field);
  return args;
}

Read<std::optional<v1::Badge>> read_badge_record(std::string_view badge_id,
                                                 const redis::Reply& reply) {
  using R = Read<std::optional<v1::Badge>>;
  if (reply.type != Type::array || reply.elements.size() != kBadgeRecordFieldCount ||
      first_not_text(reply.elements)) {
    return R::fail(unexpected(reply, "a badge record (9 fields, text or nil)"));
  }
  return R::ok(badge_of(badge_id, reply.elements.data()));
}

std::vector<std::string> badge_scan_read(std::string_view event_id, std::string_view cursor) {
  return key_scan_read(badge_key(event_id, "*"), cursor);
}

Read<BadgeScanPage> read_badge_scan(std::string_view event_id, const redis::Reply& reply) {
  using R = Read<BadgeScanPage>;
  constexpr std::string_view kExpected = "SCAN's [cursor, keys]";
  if (reply.type != Type::array || reply.elements.size() != 2 ||
      reply.elements[0].type != Type::string) {
    return R::fail(unexpected(reply, kExpected));
  }
  auto keys = read_texts(reply.elements[1], kExpected, 0);
  if (!keys) return R::fail(std::move(keys.error));
  const auto prefix = badge_key(event_id, "");
  BadgeScanPage page{.cursor = reply.elements[0].str};
  for (auto& key : *keys) {
    if (!key.starts_with(prefix)) {
      return R::fail({.kind = "reply_shape",
                      .cause = "SCAN answered key \"" + bounded_text(key) + "\", not a badge key"});
    }
    page.badge_ids.push_back(key.substr(prefix.size()));
  }
  return R::ok(std::move(page));
}

std::vector<std::string> registered_count_read(std::string_view event_id) {
  return {"FCALL_RO", std::string(kRegistryFunction), "1", tag(event_id), "revoked"};
}

Read<int> read_registered_count(const redis::Reply& reply) {
  if (reply.type != Type::array || reply.elements.size() % 2 != 0 ||
      reply.elements.size() > kMaxElements || first_not_text(reply.elements)) {
    return Read<int>::fail(
        unexpected(reply, "the badges' ids and revoked fields (text, text or nil)"));
  }
  int registered = 0;
  for (std::size_t i = 0; i < reply.elements.size(); i += 2) {
    const auto& revoked = reply.elements[i + 1];
    if (reply.elements[i].type == Type::nil) {
      return Read<int>::fail(
          {.kind = "reply_shape",
           .cause = "the registry's row " + std::to_string(i / 2) + " has no badge id"});
    }
    if (revoked.type != Type::nil && revoked.str != "1") ++registered;
  }
  return Read<int>::ok(registered);
}

}  // namespace rollcall::services::store
