#include "redis/hiredis_link.h"

#include <boost/asio/post.hpp>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <hiredis/sds.h>

#include "redis/hiredis_reply.h"

namespace rollcall::redis {

namespace {

// hiredis writes when the loop next finds the socket writable, that is after every handler
// already queued: under load, a whole turn's commands in one write, which Redis runs to the end
// before it answers any while the gateway waits, and whose answers the gateway then handles
// while Redis waits. Writing as soon as a few commands are buffered lets Redis start on them
// while the gateway reads the rest (the ingest bench's scans per second: about 1.4x; 512 B to
// 1 KiB did best between 256 B and 4 KiB).
constexpr std::size_t kEarlyWriteBytes = 1024;

}  // namespace

HiredisLink::HiredisLink(Strand strand, std::weak_ptr<void> guard, Handlers handlers)
    : strand_(std::move(strand)), guard_(std::move(guard)), handlers_(std::move(handlers)) {}

HiredisLink::~HiredisLink() {
  close();
}

bool HiredisLink::open(const std::string& address, unsigned short port, LinkId link,
                       std::string* error) {
  close();
  redisAsyncContext* context = connect_on_strand(address, port, strand_, guard_, "", error);
  if (context == nullptr) return false;
  context_ = context;
  link_ = link;
  context->data = this;
  redisAsyncSetConnectCallback(context, &HiredisLink::on_connect);
  redisAsyncSetDisconnectCallback(context, &HiredisLink::on_disconnect);
  return true;
}

bool HiredisLink::send(const Command& command, Tag tag) {
  if (context_ == nullptr) return false;
  const auto bytes = command.bytes();
  // Already formatted: hiredis appends the bytes to its output buffer (and still reads them for
  // SUBSCRIBE and UNSUBSCRIBE, as it does for an argv). The tag travels as the privdata itself:
  // nothing to free, even for a SUBSCRIBE's callback that hiredis keeps (and calls for every
  // message) until the context goes.
  const auto buffered = sdslen(context_->c.obuf);
  if (redisAsyncFormattedCommand(context_, &HiredisLink::on_reply,
                                 reinterpret_cast<void*>(static_cast<std::uintptr_t>(tag)),
                                 bytes.data(), bytes.size()) != REDIS_OK) {
    return false;
  }
  // Once per crossing: a buffer that stays above it is waiting for the socket, and the loop
  // writes it when it can. Not before connecting: hiredis would take the socket for connected.
  if (buffered < kEarlyWriteBytes && sdslen(context_->c.obuf) >= kEarlyWriteBytes &&
      (context_->c.flags & REDIS_CONNECTED) != 0) {
    redisAsyncHandleWrite(context_);  // a failed write ends the link: on_disconnect
  }
  return true;
}

void HiredisLink::close() {
  if (context_ == nullptr) return;
  // Unhook first, so that the callbacks hiredis runs while freeing see a stale context.
  redisAsyncContext* context = context_;
  context_ = nullptr;
  context->data = nullptr;
  redisAsyncFree(context);
}

HiredisLink* HiredisLink::owner_of(const redisAsyncContext* context) {
  auto* self = static_cast<HiredisLink*>(context->data);
  return self != nullptr && self->context_ == context ? self : nullptr;
}

void HiredisLink::post(std::function<void(const Handlers&)> fn) {
  boost::asio::post(strand_, [this, guard = guard_, fn = std::move(fn)] {
    // The owner holds this object: alive while the guard is.
    if (auto alive = guard.lock()) fn(handlers_);
  });
}

void HiredisLink::on_connect(const redisAsyncContext* context, int status) {
  HiredisLink* self = owner_of(context);
  if (self == nullptr || status == REDIS_OK) return;
  // hiredis frees the context right after this callback: forget it now.
  std::string detail = context->errstr != nullptr ? context->errstr : "failed";
  self->context_ = nullptr;
  self->post([link = self->link_, detail](const Handlers& h) { h.lost(link, false, detail); });
}

void HiredisLink::on_disconnect(const redisAsyncContext* context, int status) {
  // Runs inside hiredis's free, after the pending replies were flushed with NULL; `context`
  // is freed when we return, and must not be freed or commanded here.
  HiredisLink* self = owner_of(context);
  if (self == nullptr) return;
  std::string detail = context->errstr != nullptr && context->err != 0 ? context->errstr : "closed";
  self->context_ = nullptr;
  self->post([link = self->link_, detail](const Handlers& h) { h.lost(link, true, detail); });
}

void HiredisLink::on_reply(redisAsyncContext* context, void* reply, void* privdata) {
  HiredisLink* self = owner_of(context);
  if (self == nullptr || reply == nullptr) return;
  const auto tag = static_cast<Tag>(reinterpret_cast<std::uintptr_t>(privdata));
  self->post([link = self->link_, tag, converted = to_reply(*static_cast<redisReply*>(reply))](
                 const Handlers& h) mutable { h.reply(link, tag, std::move(converted)); });
}

}  // namespace rollcall::redis
