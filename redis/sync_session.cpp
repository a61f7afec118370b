#include "redis/sync_session.h"

#include <stdexcept>

#include <strings.h>

#include "redis/cluster_routing.h"
#include "redis/hiredis_reply.h"
#include "redis/sigpipe_guard.h"

namespace rollcall::redis {

namespace {

using OwnedReply = std::unique_ptr<redisReply, void (*)(void*)>;

constexpr timeval kConnectTimeout{5, 0};
constexpr timeval kCommandTimeout{30, 0};

}  // namespace

SyncSession::SyncSession(const Url& url) : url_(url), where_(url.where()) {
  // The tools write to one server for a short while: following failovers is the gateway's job.
  if (url.sentinel()) {
    throw std::runtime_error("give the primary's redis:// URL; Sentinel URLs are for the gateway");
  }
  if (url.cluster()) {
    connect_to_cluster();
  } else {
    context_.reset(redisConnectWithTimeout(url.host.c_str(), url.port, kConnectTimeout));
    if (!context_)
      throw std::runtime_error("cannot connect to redis at " + where_ + ": out of memory");
    if (context_->err) fail("cannot connect to redis at " + where_);
  }
  redisSetTimeout(context_.get(), kCommandTimeout);
  if (!url.password.empty()) {
    if (url.username.empty()) {
      command({"AUTH", url.password});
    } else {
      command({"AUTH", url.username, url.password});
    }
  }
  if (url.db != 0) command({"SELECT", std::to_string(url.db)});
}

void SyncSession::connect_to_cluster() {
  // Any node will do (MOVED leads to the others): the first of the URL's that answers.
  std::string failures;
  for (const auto& node : url_.nodes) {
    context_.reset(redisConnectWithTimeout(node.host.c_str(), node.port, kConnectTimeout));
    if (!context_) throw std::runtime_error("cannot connect to redis at " + node.text());
    if (context_->err == 0) {
      url_.host = node.host;
      url_.port = node.port;
      url_.nodes.clear();
      where_ = node.text();
      return;
    }
    failures += (failures.empty() ? "" : "; ") + node.text() + ": " + context_->errstr;
  }
  throw std::runtime_error("cannot connect to any node of the redis cluster: " + failures);
}

void SyncSession::fail(const std::string& doing) const {
  throw std::runtime_error(doing + ": " + context_->errstr);
}

SyncSession* SyncSession::moved_to(const redisReply& reply) {
  if (reply.type != REDIS_REPLY_ERROR) return nullptr;
  const auto redirect =
      redirect_of(Reply{.type = Reply::Type::error, .str = std::string(reply.str, reply.len)});
  if (redirect.kind != Redirect::Kind::moved) return nullptr;
  Url url = url_;
  if (!redirect.host.empty()) url.host = redirect.host;
  url.port = redirect.port;
  url.nodes.clear();
  const auto key = Url::Endpoint{url.host, url.port}.text();
  if (auto found = others_.find(key); found != others_.end()) return found->second.get();
  auto session = std::make_unique<SyncSession>(url);
  for (const auto& args : every_node_) session->on_every_node(args);
  return others_.emplace(key, std::move(session)).first->second.get();
}

Reply SyncSession::on_every_node(const std::vector<std::string>& args) {
  every_node_.push_back(args);
  for (auto& [where, other] : others_) other->on_every_node(args);
  return query(args);
}

std::unique_ptr<redisReply, SyncSession::ReplyDeleter> SyncSession::run(
    const std::vector<std::string>& args) {
  const SigpipeGuard no_sigpipe;
  flush();
  Argv argv(args);
  std::unique_ptr<redisReply, ReplyDeleter> reply(static_cast<redisReply*>(
      redisCommandArgv(context_.get(), argv.count(), argv.pointers.data(), argv.lengths.data())));
  if (!reply) fail("redis at " + where_ + " (" + args.front() + ")");
  if (auto* other = moved_to(*reply)) return other->run(args);
  if (reply->type == REDIS_REPLY_ERROR) {
    throw std::runtime_error("redis at " + where_ + " refused " + args.front() + ": " +
                             std::string(reply->str, reply->len));
  }
  return reply;
}

std::optional<std::string> SyncSession::command(const std::vector<std::string>& args) {
  const auto reply = run(args);
  switch (reply->type) {
    case REDIS_REPLY_NIL:
      return std::nullopt;
    case REDIS_REPLY_INTEGER:
      return std::to_string(reply->integer);
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
      return std::string(reply->str, reply->len);
    default:
      return std::string();
  }
}

Reply SyncSession::query(const std::vector<std::string>& args) {
  return to_reply(*run(args));
}

std::vector<Reply> SyncSession::pipeline(const std::vector<std::vector<std::string>>& commands) {
  const SigpipeGuard no_sigpipe;
  flush();
  for (const auto& args : commands) {
    Argv argv(args);
    if (redisAppendCommandArgv(context_.get(), argv.count(), argv.pointers.data(),
                               argv.lengths.data()) != REDIS_OK) {
      fail("redis at " + where_);
    }
  }
  std::vector<Reply> replies;
  replies.reserve(commands.size());
  std::vector<std::size_t> moved;
  SyncSession* owner = nullptr;  // where the first MOVED points
  std::string first_error;
  for (std::size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(context_.get(), &raw) != REDIS_OK) fail("redis at " + where_);
    OwnedReply reply(static_cast<redisReply*>(raw), freeReplyObject);
    if (auto* other = moved_to(*reply)) {
      moved.push_back(i);
      if (owner == nullptr) owner = other;
    } else if (reply->type == REDIS_REPLY_ERROR && first_error.empty()) {
      first_error.assign(reply->str, reply->len);
    }
    replies.push_back(to_reply(*reply));
  }
  // A transaction (its commands all of one slot) was refused whole here: it runs whole there.
  if (owner != nullptr && !commands.empty() && !commands.front().empty() &&
      strcasecmp(commands.front().front().c_str(), "MULTI") == 0) {
    return owner->pipeline(commands);
  }
  if (!first_error.empty()) throw std::runtime_error("redis at " + where_ + ": " + first_error);
  // Every reply read first, so that this connection stays in step.
  for (const auto i : moved) replies[i] = query(commands[i]);
  return replies;
}

void SyncSession::append(const std::vector<std::string>& args) {
  Argv argv(args);
  if (redisAppendCommandArgv(context_.get(), argv.count(), argv.pointers.data(),
                             argv.lengths.data()) != REDIS_OK) {
    fail("redis at " + where_);
  }
  queued_.push_back(args);
  if (queued_.size() >= kBatch) flush();
}

void SyncSession::flush() {
  const SigpipeGuard no_sigpipe;
  // Read every queued reply even after an error, so the connection stays in step.
  auto queued = std::move(queued_);
  queued_.clear();
  std::vector<std::size_t> moved;
  std::string first_error;
  for (std::size_t i = 0; i < queued.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(context_.get(), &raw) != REDIS_OK) fail("redis at " + where_);
    OwnedReply reply(static_cast<redisReply*>(raw), freeReplyObject);
    if (moved_to(*reply) != nullptr) {
      moved.push_back(i);
    } else if (reply->type == REDIS_REPLY_ERROR && first_error.empty()) {
      first_error.assign(reply->str, reply->len);
    }
  }
  if (!first_error.empty()) {
    throw std::runtime_error("redis at " + where_ + " refused a write: " + first_error);
  }
  for (const auto i : moved) run(queued[i]);
}

}  // namespace rollcall::redis
