#include "tools/admin/admin_store.h"

#include <google/protobuf/util/time_util.h>

#include "services/registry/event_config.h"
#include "services/store/keys.h"
#include "services/wire/codec.h"

namespace rollcall::tools::admin {

namespace po = boost::program_options;
using google::protobuf::util::TimeUtil;

void EventOptions::add_to(po::options_description& options) {
  // clang-format off
  options.add_options()
    ("event", po::value(&event_id)->value_name("EVENT"), "event id, e.g. wsis20-2025 (required)")
    ("redis", po::value(&redis_url)->value_name("URL")->default_value("redis://127.0.0.1:6379"),
     "redis://[[user]:password@]host[:port][/db]");
  // clang-format on
}

std::string EventOptions::check(const po::variables_map& values) {
  if (!values.count("event")) return "--event is required";
  if (!services::registry::is_valid_event_id(event_id)) {
    return "--event \"" + event_id + "\" is not a valid event id";
  }
  std::string error;
  const auto parsed = gateway::redis::Url::parse(redis_url, &error);
  if (!parsed) return "--redis: " + error;
  url = *parsed;
  return {};
}

import::RedisSession open_event(const EventOptions& options){
    try {import::RedisSession redis(options.url);
const auto exists = redis.query({"EXISTS", services::store::event_key(options.event_id)});
if (exists.integer == 0) {
  throw AdminError("event " + options.event_id + " does not exist in Redis at " +
                   options.url.where() + ": import its registry first (rollcall-import)");
}
return redis;
}  // namespace rollcall::tools::admin
catch (const AdminError&) {
  throw;
}
catch (const std::exception& e) {
  throw AdminError(e.what());
}
}

google::protobuf::Timestamp now_timestamp() {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return TimeUtil::SecondsToTimestamp(seconds.count());
}

std::chrono::system_clock::time_point to_time_point(const google::protobuf::Timestamp& t) {
  return std::chrono::system_clock::time_point(std::chrono::seconds(t.seconds()));
}

std::string time_text(const google::protobuf::Timestamp& t, bool set) {
  return set ? TimeUtil::ToString(t) : "-";
}

std::string to_json(const google::protobuf::Message& message) {
  return services::wire::encode(message, services::wire::Encoding::json);
}

void from_json(std::string_view json, google::protobuf::Message* message, const std::string& what) {
  std::string error;
  if (!services::wire::decode(json, services::wire::Encoding::json, message, &error)) {
    throw AdminError(what + " in Redis is unreadable: " + error);
  }
}

}  // namespace rollcall::tools::admin
