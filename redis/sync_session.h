#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <hiredis/hiredis.h>

#include "redis/reply.h"
#include "redis/url.h"

namespace rollcall::redis {

// A blocking hiredis connection for the command-line tools: a tool has no io_context to keep
// responsive, so the asynchronous link would only add machinery. Replies are the same Reply the
// link gives (error replies throw instead). Every failure throws
// std::runtime_error with a one-line reason.
//
// In a Redis Cluster, a command answered MOVED (its key's slot is another node's) is sent again
// to the node named, over a session of its own: a tool given the node owning an event's slot
// writes the event there and still reaches the keys of other slots it touches (the set of
// events, venues). What each node must have (scripts and the Functions library: a cluster keeps
// them per node) goes through on_every_node().
class SyncSession {
 public:
  // Connects (to a cluster URL's first node that answers), then AUTH and SELECT as the URL
  // asks.
  explicit SyncSession(const Url& url);

  // One command, its reply (nullopt for nil); a Redis error reply throws.
  std::optional<std::string> command(const std::vector<std::string>& args);

  // One command, its whole reply; a Redis error reply throws.
  Reply query(const std::vector<std::string>& args);
  // Runs `args` on this node now and on every node a MOVED leads to, now or later (e.g.
  // SCRIPT LOAD, FUNCTION LOAD); the reply is this node's. An error reply of any node throws.
  Reply on_every_node(const std::vector<std::string>& args);

  // Several commands in one round trip, their replies in order; an error reply throws.
  std::vector<Reply> pipeline(const std::vector<std::vector<std::string>>& commands);

  // Queues a command; replies are read (and checked) every `batch` commands and by flush(), so a
  // large registry costs a few round trips instead of one per badge.
  void append(const std::vector<std::string>& args);
  void flush();

  static constexpr std::size_t kBatch = 1000;

 private:
  struct Free {
    void operator()(redisContext* c) const { redisFree(c); }
  };

  [[noreturn]] void fail(const std::string& doing) const;
  void connect_to_cluster();  // a redis+cluster:// URL: the first of its nodes that answers
  // The session to the node a MOVED reply names (nullptr if `reply` is no MOVED).
  SyncSession* moved_to(const redisReply& reply);
  struct ReplyDeleter {
    void operator()(redisReply* r) const { freeReplyObject(r); }
  };
  std::unique_ptr<redisReply, ReplyDeleter> run(const std::vector<std::string>& args);

  std::unique_ptr<redisContext, Free> context_;
  Url url_;
  std::string where_;
  std::vector<std::vector<std::string>> queued_;                // appended, replies not read yet
  std::map<std::string, std::unique_ptr<SyncSession>> others_;  // by "host:port"
  std::vector<std::vector<std::string>> every_node_;            // run on each node reached
};

}  // namespace rollcall::redis
