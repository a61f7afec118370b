#include "tools/import/redis_session.h"

#include <stdexcept>

namespace rollcall::tools::import {

namespace {

using Reply = std::unique_ptr<redisReply, void (*)(void*)>;

constexpr timeval kConnectTimeout{5, 0};
constexpr timeval kCommandTimeout{30, 0};

std::vector<const char*> pointers(const std::vector<std::string>& args,
                                  std::vector<std::size_t>& lengths) {
  std::vector<const char*> argv;
  lengths.clear();
  for (const auto& a : args) {
    argv.push_back(a.data());
    lengths.push_back(a.size());
  }
  return argv;
}

}  // namespace

RedisSession::RedisSession(const gateway::redis::Url& url) : where_(url.where()) {
  // The tools write to one server for a short while: following failovers is the gateway's job.
  if (url.sentinel()) {
    throw std::runtime_error("give the primary's redis:// URL; Sentinel URLs are for the gateway");
  }
  context_.reset(redisConnectWithTimeout(url.host.c_str(), url.port, kConnectTimeout));
  if (!context_)
    throw std::runtime_error("cannot connect to redis at " + where_ + ": out of memory");
  if (context_->err) fail("cannot connect to redis at " + where_);
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

void RedisSession::fail(const std::string& doing) const {
  throw std::runtime_error(doing + ": " + context_->errstr);
}

std::unique_ptr<redisReply, RedisSession::ReplyDeleter> RedisSession::run(
    const std::vector<std::string>& args) {
  flush();
  std::vector<std::size_t> lengths;
  auto argv = pointers(args, lengths);
  std::unique_ptr<redisReply, ReplyDeleter> reply(static_cast<redisReply*>(redisCommandArgv(
      context_.get(), static_cast<int>(argv.size()), argv.data(), lengths.data())));
  if (!reply) fail("redis at " + where_ + " (" + args.front() + ")");
  if (reply->type == REDIS_REPLY_ERROR) {
    throw std::runtime_error("redis at " + where_ + " refused " + args.front() + ": " +
                             std::string(reply->str, reply->len));
  }
  return reply;
}

std::optional<std::string> RedisSession::command(const std::vector<std::string>& args) {
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

namespace {

RedisValue copy_reply(const redisReply* r) {
  RedisValue value;
  switch (r->type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
      value.type = RedisValue::Type::string;
      value.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      value.type = RedisValue::Type::integer;
      value.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      value.type = RedisValue::Type::array;
      value.elements.reserve(r->elements);
      for (std::size_t i = 0; i < r->elements; ++i) {
        value.elements.push_back(copy_reply(r->element[i]));
      }
      break;
    default:
      break;
  }
  return value;
}

}  // namespace

RedisValue RedisSession::query(const std::vector<std::string>& args) {
  return copy_reply(run(args).get());
}

std::vector<RedisValue> RedisSession::pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  flush();
  std::vector<std::size_t> lengths;
  for (const auto& args : commands) {
    auto argv = pointers(args, lengths);
    if (redisAppendCommandArgv(context_.get(), static_cast<int>(argv.size()), argv.data(),
                               lengths.data()) != REDIS_OK) {
      fail("redis at " + where_);
    }
  }
  std::vector<RedisValue> replies;
  replies.reserve(commands.size());
  std::string first_error;
  for (std::size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(context_.get(), &raw) != REDIS_OK) fail("redis at " + where_);
    Reply reply(static_cast<redisReply*>(raw), freeReplyObject);
    if (reply->type == REDIS_REPLY_ERROR && first_error.empty()) {
      first_error.assign(reply->str, reply->len);
    }
    replies.push_back(copy_reply(reply.get()));
  }
  if (!first_error.empty()) throw std::runtime_error("redis at " + where_ + ": " + first_error);
  return replies;
}

void RedisSession::append(const std::vector<std::string>& args) {
  std::vector<std::size_t> lengths;
  auto argv = pointers(args, lengths);
  if (redisAppendCommandArgv(context_.get(), static_cast<int>(argv.size()), argv.data(),
                             lengths.data()) != REDIS_OK) {
    fail("redis at " + where_);
  }
  if (++pending_ >= kBatch) flush();
}

void RedisSession::flush() {
  // Read every queued reply even after an error, so the connection stays in step.
  std::string first_error;
  for (; pending_ > 0; --pending_) {
    void* raw = nullptr;
    if (redisGetReply(context_.get(), &raw) != REDIS_OK) {
      pending_ = 0;
      fail("redis at " + where_);
    }
    Reply reply(static_cast<redisReply*>(raw), freeReplyObject);
    if (reply->type == REDIS_REPLY_ERROR && first_error.empty()) {
      first_error.assign(reply->str, reply->len);
    }
  }
  if (!first_error.empty()) {
    throw std::runtime_error("redis at " + where_ + " refused a write: " + first_error);
  }
}

}  // namespace rollcall::tools::import
