#include "tools/import/redis_session.h"

#include <stdexcept>

namespace rollcall::tools::import {

namespace {

struct FreeReply {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, FreeReply>;

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

RedisSession::RedisSession(const RedisUrl& url) : where_(url.where()) {
  context_.reset(redisConnectWithTimeout(url.host.c_str(), url.port, kConnectTimeout));
  if (!context_)
    throw std::runtime_error("cannot connect to redis at " + where_ + ": out of memory");
  if (context_->err) fail("cannot connect to redis at " + where_);
  redisSetTimeout(context_.get(), kCommandTimeout);
  if (!url.password.empty()) {
    if (url.user.empty()) {
      command({"AUTH", url.password});
    } else {
      command({"AUTH", url.user, url.password});
    }
  }
  if (url.db != 0) command({"SELECT", std::to_string(url.db)});
}

void RedisSession::fail(const std::string& doing) const {
  throw std::runtime_error(doing + ": " + context_->errstr);
}

std::optional<std::string> RedisSession::command(const std::vector<std::string>& args) {
  flush();
  std::vector<std::size_t> lengths;
  auto argv = pointers(args, lengths);
  Reply reply(static_cast<redisReply*>(redisCommandArgv(
      context_.get(), static_cast<int>(argv.size()), argv.data(), lengths.data())));
  if (!reply) fail("redis at " + where_ + " (" + args.front() + ")");
  switch (reply->type) {
    case REDIS_REPLY_ERROR:
      throw std::runtime_error("redis at " + where_ + " refused " + args.front() + ": " +
                               std::string(reply->str, reply->len));
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
    Reply reply(static_cast<redisReply*>(raw));
    if (reply->type == REDIS_REPLY_ERROR && first_error.empty()) {
      first_error.assign(reply->str, reply->len);
    }
  }
  if (!first_error.empty()) {
    throw std::runtime_error("redis at " + where_ + " refused a write: " + first_error);
  }
}

}  // namespace rollcall::tools::import
