#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "redis/asio_adapter.h"
#include "redis/command.h"
#include "redis/reply.h"

struct redisAsyncContext;

namespace rollcall::redis {

// One hiredis async context at a time on a strand: the hiredis side of Connection and
// SentinelLookup. It is the one place where hiredis's C callbacks find their owner (through
// redisAsyncContext::data), drop whatever comes from a context already closed, and post the rest
// to the strand, so that the owner never runs inside hiredis (where freeing the context, or a
// caller's code, must not happen). Each context is opened under the owner's number (`link`),
// which every event carries back: whether it is stale is the owner's decision.
class HiredisLink {
 public:
  using LinkId = std::uint64_t;
  using Tag = std::uint64_t;  // the owner's name for a command; comes back with its replies
  struct Handlers {
    // A reply (a push for SUBSCRIBE, as often as they come). A NULL reply is not reported:
    // hiredis gives them only to a dying context, whose loss follows.
    std::function<void(LinkId, Tag, Reply)> reply;
    // The connect failed (connected false) or the link was lost; detail is hiredis's reason.
    std::function<void(LinkId, bool connected, std::string detail)> lost;
  };

  // `guard` is the owner's lifetime: events are dropped once it has expired.
  HiredisLink(Strand strand, std::weak_ptr<void> guard, Handlers handlers);
  ~HiredisLink();
  HiredisLink(const HiredisLink&) = delete;
  HiredisLink& operator=(const HiredisLink&) = delete;

  // Starts a non-blocking connect to a numeric address (closing any link still open). On
  // failure returns false with *error set. Commands may be sent at once: hiredis buffers them.
  bool open(const std::string& address, unsigned short port, LinkId link, std::string* error);
  // Queues a command's bytes as they are; false if hiredis refuses it (no link, or it is going).
  bool send(const Command& command, Tag tag);
  // Frees the context; its pending callbacks run now with NULL replies and are dropped.
  void close();
  bool is_open() const { return context_ != nullptr; }
  void set_guard(std::weak_ptr<void> guard) { guard_ = std::move(guard); }

 private:
  static HiredisLink* owner_of(const redisAsyncContext* context);
  void post(std::function<void(const Handlers&)> fn);

  static void on_connect(const redisAsyncContext* context, int status);
  static void on_disconnect(const redisAsyncContext* context, int status);
  static void on_reply(redisAsyncContext* context, void* reply, void* privdata);

  Strand strand_;
  std::weak_ptr<void> guard_;
  Handlers handlers_;
  redisAsyncContext* context_ = nullptr;  // the live context, or null
  LinkId link_ = 0;
};

}  // namespace rollcall::redis
