#pragma once

#include <string_view>
#include <vector>

namespace rollcall::services::print {

// A QR code as a square of modules, without its quiet zone.
struct QrCode {
  int version = 0;         // 1..40: the QR version libqrencode chose
  int modules = 0;         // modules per side
  std::vector<bool> dark;  // modules * modules, row by row

  bool at(int x, int y) const { return dark[static_cast<std::size_t>(y * modules + x)]; }
};

// Modules of white an ISO/IEC 18004 reader expects around the code.
inline constexpr int kQuietZone = 4;

// The smallest QR code (error correction level M, ~15% of it can be lost) holding `text`.
// Badge codes are upper-case base32, which libqrencode packs in alphanumeric mode. Throws
// std::runtime_error when the text contains NUL or does not fit.
QrCode qr_code(std::string_view text);

}  // namespace rollcall::services::print
