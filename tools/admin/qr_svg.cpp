#include "tools/admin/qr_svg.h"

#include "services/print/qr_code.h"

namespace rollcall::tools::admin {

QrSvg qr_svg(std::string_view text) {
  using services::print::kQuietZone;
  const auto code = services::print::qr_code(text);
  QrSvg result;
  result.version = code.version;
  result.modules = code.modules;
  const int side = code.modules + 2 * kQuietZone;
  std::string path;
  for (int y = 0; y < code.modules; ++y) {
    for (int x = 0; x < code.modules; ++x) {
      if (code.at(x, y)) {
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
