#include "tools/admin/qr_svg.h"

#include <qrencode.h>

#include <memory>
#include <stdexcept>

namespace rollcall::tools::admin {
namespace {

constexpr int kQuietZone = 4;  // modules of white around the code, as ISO/IEC 18004 asks

struct FreeQrCode {
  void operator()(QRcode* code) const { QRcode_free(code); }
};

}  // namespace

QrSvg qr_svg(std::string_view text) {
  const std::string input(text);  // libqrencode wants a NUL-terminated string
  if (input.find('\0') != std::string::npos) throw std::runtime_error("QR text contains NUL");
  std::unique_ptr<QRcode, FreeQrCode> code(
      QRcode_encodeString(input.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, /*casesensitive=*/1));
  if (!code) throw std::runtime_error("cannot make a QR code of " + input.substr(0, 40) + "...");
  QrSvg result;
  result.version = code->version;
  result.modules = code->width;
  const int side = code->width + 2 * kQuietZone;
  std::string path;
  for (int y = 0; y < code->width; ++y) {
    for (int x = 0; x < code->width; ++x) {
      if (code->data[y * code->width + x] & 1) {  // bit 0: dark module
        path += "M" + std::to_string(x + kQuietZone) + " " + std::to_string(y + kQuietZone) +
                "h1v1h-1z";
      }
    }
  }
  const auto n = std::to_string(side);
  result.svg =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " +
      n + " " + n + "\" width=\"" + std::to_string(side * 4) + "\" height=\"" +
      std::to_string(side * 4) +
      "\" shape-rendering=\"crispEdges\">\n"
      "<rect width=\"" +
      n + "\" height=\"" + n +
      "\" fill=\"#fff\"/>\n"
      "<path fill=\"#000\" d=\"" +
      path + "\"/>\n</svg>\n";
  return result;
}

}  // namespace rollcall::tools::admin
