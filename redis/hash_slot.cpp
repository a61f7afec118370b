#include "redis/hash_slot.h"

namespace rollcall::redis {

std::uint16_t crc16(std::string_view bytes) {
  // CRC-16/XMODEM (polynomial 0x1021, initial 0), bit by bit: keys are short and the table
  // would only be a second place to get wrong.
  std::uint16_t crc = 0;
  for (const unsigned char byte : bytes) {
    crc ^= static_cast<std::uint16_t>(byte << 8);
    for (int bit = 0; bit < 8; ++bit) {
      crc = static_cast<std::uint16_t>((crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1);
    }
  }
  return crc;
}

std::uint16_t key_slot(std::string_view key) {
  const auto open = key.find('{');
  if (open != std::string_view::npos) {
    const auto close = key.find('}', open + 1);
    if (close != std::string_view::npos && close > open + 1) {
      key = key.substr(open + 1, close - open - 1);
    }
  }
  return crc16(key) & (kSlotCount - 1);
}

}  // namespace rollcall::redis
