#include "gateway/server/connection_limits.h"

namespace rollcall::gateway::server {

ConnectionLimits::Slot& ConnectionLimits::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    if (owner_) owner_->release(address_);
    owner_ = std::move(other.owner_);
    address_ = other.address_;
  }
  return *this;
}

ConnectionLimits::Slot::~Slot() {
  if (owner_) owner_->release(address_);
}

std::unique_ptr<ConnectionLimits::Slot> ConnectionLimits::admit(
    const boost::asio::ip::address& address, std::string* refused) {
  std::lock_guard lock(mutex_);
  if (total_ >= max_total_) {
    *refused = "connections";
    return nullptr;
  }
  auto& mine = per_address_[address];
  if (mine >= max_per_address_) {
    if (mine == 0) per_address_.erase(address);
    *refused = "connections_per_address";
    return nullptr;
  }
  ++mine;
  ++total_;
  auto slot = std::make_unique<Slot>();
  slot->owner_ = shared_from_this();
  slot->address_ = address;
  return slot;
}

void ConnectionLimits::release(const boost::asio::ip::address& address) {
  std::lock_guard lock(mutex_);
  --total_;
  if (auto it = per_address_.find(address); it != per_address_.end() && --it->second == 0) {
    per_address_.erase(it);
  }
}

}  // namespace rollcall::gateway::server
