#include "tools/admin/admin_store.h"

#include <regex>

#include <google/protobuf/util/time_util.h>

#include "services/registry/event_config.h"
#include "services/store/function_library.h"
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

long long forget_desk(import::RedisSession& redis, const std::string& event_id,
                      const std::string& desk_id) {
  const std::vector<std::string> call = {"FCALL", std::string(services::store::kForgetDeskFunction),
                                         "1",     services::store::tag(event_id),
                                         desk_id, std::to_string(now_timestamp().seconds() * 1000)};
  try {
    return redis.query(call).integer;
  } catch (const std::runtime_error& e) {
    // No gateway of this version has loaded the functions yet: load them as it would.
    if (std::string_view(e.what()).find("Function not found") == std::string_view::npos) throw;
  }
  redis.query({"FUNCTION", "LOAD", "REPLACE", std::string(services::store::function_library())});
  return redis.query(call).integer;
}

// "12h", "5d", "90m", "3600s" -> seconds; nullopt for anything else.
std::optional<long long> parse_lifetime(const std::string& text) {
  static const std::regex kShape("([1-9][0-9]{0,6})([smhd])");
  std::smatch match;
  if (!std::regex_match(text, match, kShape)) return std::nullopt;
  const long long n = std::stoll(match[1]);
  switch (match[2].str()[0]) {
    case 's':
      return n;
    case 'm':
      return n * 60;
    case 'h':
      return n * 3600;
    default:
      return n * 86400;
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
