#include "tests/support/tokens.h"

#include "services/auth/token.h"
#include "services/store/keys.h"
#include "services/wire/codec.h"

namespace rollcall::tests::support {

std::string issue_token(const RedisServer& redis, std::string_view event,
                        rollcall::v1::TokenRecord record) {
  const auto token = services::auth::generate_token();
  const auto hash = services::auth::token_hash(token);
  record.set_id(services::auth::token_id(hash));
  if (record.name().empty()) record.set_name("test");
  redis.command({"HSET", services::store::tokens_key(event), hash,
                 services::wire::encode(record, services::wire::Encoding::json)});
  return token;
}

std::string issue_token(const RedisServer& redis, std::string_view event, rollcall::v1::Role role) {
  rollcall::v1::TokenRecord record;
  record.set_role(role);
  return issue_token(redis, event, std::move(record));
}

std::string issue_desk_token(const RedisServer& redis, std::string_view event,
                             std::string_view desk_id) {
  rollcall::v1::TokenRecord record;
  record.set_role(rollcall::v1::desk);
  record.set_desk_id(std::string(desk_id));
  return issue_token(redis, event, std::move(record));
}

}  // namespace rollcall::tests::support
