#include "services/print/qr_code.h"

#include <qrencode.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace rollcall::services::print {
namespace {

struct FreeQrCode {
  void operator()(QRcode* code) const { QRcode_free(code); }
};

}  // namespace

QrCode qr_code(std::string_view text) {
  const std::string input(text);  // libqrencode wants a NUL-terminated string
  if (input.find('\0') != std::string::npos) throw std::runtime_error("QR text contains NUL");
  std::unique_ptr<QRcode, FreeQrCode> code(
      QRcode_encodeString(input.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, /*casesensitive=*/1));
  if (!code) throw std::runtime_error("cannot make a QR code of " + input.substr(0, 40) + "...");
  QrCode result;
  result.version = code->version;
  result.modules = code->width;
  result.dark.resize(static_cast<std::size_t>(code->width) * code->width);
  for (std::size_t i = 0; i < result.dark.size(); ++i) result.dark[i] = code->data[i] & 1;
  return result;
}

}  // namespace rollcall::services::print
