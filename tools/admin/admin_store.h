#pragma once

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <google/protobuf/message.h>
#include <google/protobuf/timestamp.pb.h>
#include <boost/program_options.hpp>

#include "redis/sync_session.h"
#include "redis/url.h"
#include "services/store/reply_read.h"
#include "tools/export/function_call.h"

namespace rollcall::tools::admin {

// A failure that is not bad usage: main prints "rollcall-admin: WHAT" and exits 1.
struct AdminError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// --redis and --event, which every command that reads or writes Redis takes. Token commands also
// take --venue instead of --event: then event_id is the venue's feed id ("@V", whose tokens are
// the venue's) and venue_id names the venue.
struct EventOptions {
  std::string redis_url;
  std::string event_id;
  std::string venue_id;  // set only with --venue
  redis::Url url;
  bool venue_allowed = false;

  void add_to(boost::program_options::options_description& options);
  // After parsing: a reason for bad usage, or empty when the options are fine (fills url).
  std::string check(const boost::program_options::variables_map& values);
};

// Connects and makes sure the event exists (its registry was imported), so tokens and keys
// never land under a misspelt event id. Throws AdminError.
redis::SyncSession open_event(const EventOptions& options);

// The member events of a venue, in its configured order (empty when it has none).
std::vector<std::string> venue_events(redis::SyncSession& redis, const std::string& venue_id);

// Removes a desk from the event's totals (FCALL rollcall_forget_desk: its counters, its place
// among the tracked desks; displays are told). Returns how many counters went (0: none had it).
long long forget_desk(redis::SyncSession& redis, const std::string& event_id,
                      const std::string& desk_id);

using exporting::call_function;

// The value of a store read (services/store), or AdminError naming what was read and why not.
template <class T>
T stored(services::store::Read<T> read, const std::string& what) {
  if (!read) throw AdminError(what + " in Redis is unreadable: " + read.error.cause);
  return std::move(*read.value);
}

// "12h", "5d", "90m", "3600s" -> seconds; nullopt for anything else.
std::optional<long long> parse_lifetime(const std::string& text);

google::protobuf::Timestamp now_timestamp();
std::chrono::system_clock::time_point to_time_point(const google::protobuf::Timestamp& t);
// "2025-07-07T09:00:00Z"; "-" for an unset time.
std::string time_text(const google::protobuf::Timestamp& t, bool set = true);

// Records are stored as protobuf JSON with proto field names, exactly as the gateway reads them.
std::string to_json(const google::protobuf::Message& message);
// Throws AdminError naming `what` when the stored text is not such a record.
void from_json(std::string_view json, google::protobuf::Message* message, const std::string& what);

}  // namespace rollcall::tools::admin
