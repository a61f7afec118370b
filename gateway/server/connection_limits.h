#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <boost/asio/ip/address.hpp>

namespace rollcall::gateway::server {

// How many connections the gateway holds, in all and per source address. A connection is admitted
// with a Slot that gives its place back when the session ends.
class ConnectionLimits : public std::enable_shared_from_this<ConnectionLimits> {
 public:
  ConnectionLimits(std::size_t max_total, std::size_t max_per_address)
      : max_total_(max_total), max_per_address_(max_per_address) {}

  class Slot {
   public:
    Slot() = default;
    Slot(Slot&& other) noexcept { *this = std::move(other); }
    Slot& operator=(Slot&& other) noexcept;
    ~Slot();

   private:
    friend class ConnectionLimits;
    std::shared_ptr<ConnectionLimits> owner_;
    boost::asio::ip::address address_;
  };

  // A slot, or null with `*refused` naming the limit hit ("connections",
  // "connections_per_address").
  std::unique_ptr<Slot> admit(const boost::asio::ip::address& address, std::string* refused);

 private:
  void release(const boost::asio::ip::address& address);

  const std::size_t max_total_;
  const std::size_t max_per_address_;
  std::mutex mutex_;
  std::size_t total_ = 0;
  std::map<boost::asio::ip::address, std::size_t> per_address_;
};

}  // namespace rollcall::gateway::server
