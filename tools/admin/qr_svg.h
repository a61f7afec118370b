#pragma once

#include <string>
#include <string_view>

namespace rollcall::tools::admin {

struct QrSvg {
  std::string svg;
  int version = 0;  // 1..40: the QR version libqrencode chose
  int modules = 0;  // modules per side, without the quiet zone
};

// The smallest QR code (error correction level M, ~15% of it can be lost) holding `text`, as a
// standalone SVG: one path of unit squares, a 4-module white quiet zone, scalable to any size.
// Badge codes are upper-case base32, so libqrencode packs them in alphanumeric mode. Throws
// std::runtime_error when the text does not fit.
QrSvg qr_svg(std::string_view text);

}  // namespace rollcall::tools::admin
