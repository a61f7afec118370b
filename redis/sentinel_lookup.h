#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "redis/asio_adapter.h"
#include "redis/hiredis_link.h"
#include "redis/url.h"

namespace rollcall::redis {

// One round of asking Redis Sentinels where a master's primary is (SENTINEL
// get-master-addr-by-name), one sentinel at a time, skipping those that are down, refuse, do not
// know the name or do not answer within `timeout`. hiredis async on the owner's strand through
// the same HiredisLink as Connection: nothing blocks the io_context.
class SentinelLookup : public std::enable_shared_from_this<SentinelLookup> {
 public:
  struct Primary {
    std::string host;
    unsigned short port = 0;
    std::size_t sentinel = 0;  // index in url.sentinels of the one that answered
  };
  // Exactly one call, on the strand, never from inside start() or after cancel(): the primary,
  // or nullopt and why each sentinel failed.
  using Callback = std::function<void(std::optional<Primary>, const std::string& error)>;

  // Asks url.sentinels starting at index `first` (the one that answered last time).
  static std::shared_ptr<SentinelLookup> create(Strand strand, Url url,
                                                std::chrono::milliseconds timeout,
                                                std::size_t first);

  // Both on the strand.
  void start(Callback callback);
  void cancel();

 private:
  enum Tag : HiredisLink::Tag { auth = 1, query = 2 };

  SentinelLookup(Strand strand, Url url, std::chrono::milliseconds timeout, std::size_t first);

  void ask_next();
  void open(const std::string& address, unsigned short port);
  void on_reply(std::uint64_t attempt, HiredisLink::Tag tag, const Reply& reply);
  void failed(const std::string& reason);
  void finish(std::optional<Primary> primary);
  bool current(std::uint64_t attempt) const { return attempt == attempt_ && callback_ != nullptr; }

  Strand strand_;
  Url url_;
  std::chrono::milliseconds timeout_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::steady_timer timer_;
  HiredisLink hiredis_;
  Callback callback_;
  std::size_t first_;
  std::size_t tries_ = 0;
  std::size_t index_ = 0;      // the sentinel being asked
  std::uint64_t attempt_ = 0;  // bumped per sentinel asked; stale events compare it
  std::string errors_;
};

}  // namespace rollcall::redis
