#pragma once

#include <cstdint>
#include <string_view>

namespace rollcall::redis {

// Redis Cluster's key space: 16384 slots, a key's slot the CRC16 (XMODEM) of its hash tag (the
// text between the first '{' and the next '}' when not empty) or of the whole key.
inline constexpr std::uint16_t kSlotCount = 16384;

std::uint16_t crc16(std::string_view bytes);
std::uint16_t key_slot(std::string_view key);

}  // namespace rollcall::redis
