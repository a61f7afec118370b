#include "tools/admin/admin_store.h"

#include <regex>

#include <google/protobuf/util/time_util.h>

#include "services/registry/event_config.h"
#include "services/store/access_call.h"
#include "services/store/event_reads.h"
#include "services/store/function_library.h"
#include "services/store/keys.h"
#include "services/wire/codec.h"
#include "tools/cli/command_line.h"

namespace rollcall::tools::admin {

namespace po = boost::program_options;
using google::protobuf::util::TimeUtil;

void EventOptions::add_to(po::options_description& options) {
  // clang-format off
  options.add_options()
    ("event", po::value(&event_id)->value_name("EVENT"),
     venue_allowed ? "event id, e.g. wsis20-2025 (this or --venue)"
                   : "event id, e.g. wsis20-2025 (required)");
  if (venue_allowed) {
    options.add_options()
      ("venue", po::value(&venue_id)->value_name("VENUE"),
       "a venue instead (rollcall-admin venue create): the token opens the venue and each of "
       "its events");
  }
  options.add_options()
    ("redis", po::value(&redis_url)->value_name("URL")->default_value("redis://127.0.0.1:6379"),
     cli::kRedisUrlHelp);
  // clang-format on
}

std::string EventOptions::check(const po::variables_map& values) {
  if (venue_allowed && values.count("venue")) {
    if (values.count("event")) return "give --event or --venue, not both";
    if (!services::registry::is_valid_event_id(venue_id)) {
      return "--venue \"" + venue_id + "\" is not a valid venue id";
    }
    event_id = services::store::venue_feed(venue_id);
  } else if (!values.count("event")) {
    return venue_allowed ? "--event or --venue is required" : "--event is required";
  } else if (!services::registry::is_valid_event_id(event_id)) {
    return "--event \"" + event_id + "\" is not a valid event id";
  }
  std::string error;
  const auto parsed = redis::Url::parse(redis_url, &error);
  if (!parsed) return "--redis: " + error;
  url = *parsed;
  return {};
}

redis::SyncSession open_event(const EventOptions& options) {
  namespace store = services::store;
  try {
    redis::SyncSession redis(options.url);
    if (!options.venue_id.empty()) {
      if (!stored(store::read_exists(redis.query(store::venue_exists_read(options.venue_id))),
                  "whether the venue exists")) {
        throw AdminError("venue " + options.venue_id + " does not exist in Redis at " +
                         options.url.where() + ": create it first (rollcall-admin venue create)");
      }
      return redis;
    }
    if (!stored(store::read_exists(redis.query(store::event_exists_read(options.event_id))),
                "whether the event exists")) {
      throw AdminError("event " + options.event_id + " does not exist in Redis at " +
                       options.url.where() + ": import its registry first (rollcall-import)");
    }
    return redis;
  }  // namespace rollcall::tools::admin
  catch (const AdminError&) {
    throw;
  } catch (const std::exception& e) {
    throw AdminError(e.what());
  }
}

std::vector<std::string> venue_events(redis::SyncSession& redis, const std::string& venue_id) {
  namespace store = services::store;
  const auto events =
      stored(store::read_field(redis.query(store::venue_events_read(venue_id))), "venue events");
  std::vector<std::string> out;
  if (!events) return out;
  std::string_view rest = *events;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const auto item = rest.substr(0, comma);
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return out;
}

long long forget_desk(redis::SyncSession& redis, const std::string& event_id,
                      const std::string& desk_id) {
  namespace store = services::store;
  const auto call = store::forget_desk_call(event_id, desk_id, now_timestamp().seconds() * 1000);
  return stored(store::read_forget_desk(call_function(redis, call)), "the forgotten desk");
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
