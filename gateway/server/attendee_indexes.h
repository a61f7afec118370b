#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include "services/registry/attendee_index.h"

namespace rollcall::gateway::server {

struct Context;

// One attendee index per event (services/registry/attendee_index.h), built from Redis on first
// use and again when the importer has raised the event's registry version: a lookup reads that
// one key, never the registry. Building transliterates every name (about 2 s for 15,000 badges
// on a slow machine), so it runs on a thread of its own, one build at a time, and the I/O
// threads go on serving meanwhile.
class AttendeeIndexes {
 public:
  AttendeeIndexes();
  ~AttendeeIndexes();

  struct Lookup {
    std::shared_ptr<const services::registry::AttendeeIndex> index;  // null: see `busy`
    bool rebuilt = false;
    bool busy = false;  // another request's build took too long: ask again shortly
  };
  boost::asio::awaitable<Lookup> index(const Context& context, const std::string& event_id);

 private:
  struct Built {
    std::string version;
    std::shared_ptr<const services::registry::AttendeeIndex> index;
  };
  std::mutex mutex_;
  std::map<std::string, Built> built_;
  // Events whose registry is being loaded and indexed: one load at a time per event, so requests
  // arriving meanwhile neither read the registry again nor park copies of it in the queue.
  std::set<std::string> building_;
  boost::asio::thread_pool builder_{1};
};

}  // namespace rollcall::gateway::server
