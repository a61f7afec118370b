#include "redis/slot_map.h"

#include <algorithm>

#include "redis/hash_slot.h"

namespace rollcall::redis {
namespace {

const std::string kNone;

}  // namespace

SlotMap::SlotMap() : owners_(kSlotCount, kNobody) {}

std::optional<SlotMap> SlotMap::parse(const Reply& reply, std::string_view sender_host,
                                      std::string* error) {
  const auto fail = [&](std::string why) -> std::optional<SlotMap> {
    if (error != nullptr) *error = "CLUSTER SLOTS: " + std::move(why);
    return std::nullopt;
  };
  if (reply.is_error()) return fail(reply.str);
  if (reply.type != Reply::Type::array) return fail("not an array");
  SlotMap map;
  for (const auto& range : reply.elements) {
    if (range.type != Reply::Type::array || range.elements.size() < 3 ||
        range.elements[0].type != Reply::Type::integer ||
        range.elements[1].type != Reply::Type::integer ||
        range.elements[2].type != Reply::Type::array || range.elements[2].elements.size() < 2 ||
        range.elements[2].elements[1].type != Reply::Type::integer) {
      return fail("a range of an unknown shape");
    }
    const auto start = range.elements[0].integer;
    const auto end = range.elements[1].integer;
    const auto& primary = range.elements[2].elements;
    const auto port = primary[1].integer;
    if (start < 0 || end < start || end >= kSlotCount || port <= 0 || port > 65535) {
      return fail("a range out of bounds");
    }
    std::string_view host = primary[0].str;
    if (host.empty() || host == "?") host = sender_host;
    const auto node = Url::Endpoint{std::string(host), static_cast<unsigned short>(port)}.text();
    for (auto slot = start; slot <= end; ++slot) map.assign(static_cast<std::uint16_t>(slot), node);
  }
  return map;
}

const std::string& SlotMap::owner(std::uint16_t slot) const {
  const auto index = owners_.at(slot);
  return index == kNobody ? kNone : nodes_[index];
}

void SlotMap::assign(std::uint16_t slot, const std::string& node) {
  auto it = std::find(nodes_.begin(), nodes_.end(), node);
  if (it == nodes_.end()) it = nodes_.insert(nodes_.end(), node);
  owners_.at(slot) = static_cast<std::uint16_t>(it - nodes_.begin());
}

std::size_t SlotMap::unowned() const {
  return static_cast<std::size_t>(std::count(owners_.begin(), owners_.end(), kNobody));
}

}  // namespace rollcall::redis
