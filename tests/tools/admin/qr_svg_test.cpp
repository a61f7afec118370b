#include "tools/admin/qr_svg.h"

#include <qrencode.h>

#include <iostream>
#include <regex>
#include <set>

#include <gtest/gtest.h>

#include "services/badges/badge_code.h"

namespace rollcall::tools::admin {
namespace {

using Module = std::pair<int, int>;

std::set<Module> dark_modules_in_svg(const std::string& svg) {
  static const std::regex kSquare("M([0-9]+) ([0-9]+)h1v1h-1z");
  std::set<Module> modules;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), kSquare);
       it != std::sregex_iterator(); ++it) {
    modules.emplace(std::stoi((*it)[1]) - 4, std::stoi((*it)[2]) - 4);  // minus the quiet zone
  }
  return modules;
}

std::string typical_code() {
  const auto key = services::badges::generate_key_pair();
  services::badges::BadgeClaim claim;
  claim.key_id = key.key_id;
  claim.event_id = "wsis20-2025";
  claim.badge_id = "WSIS-004217";
  claim.first_day = "2025-07-07";
  claim.last_day = "2025-07-11";
  return services::badges::sign_badge(claim, key.secret_key);
}

TEST(QrSvgTest, DrawsExactlyTheModulesOfTheQrCode) {
  const auto code = typical_code();
  const auto qr = qr_svg(code);
  QRcode* reference = QRcode_encodeString(code.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  ASSERT_NE(reference, nullptr);
  std::set<Module> expected;
  for (int y = 0; y < reference->width; ++y) {
    for (int x = 0; x < reference->width; ++x) {
      if (reference->data[y * reference->width + x] & 1) expected.emplace(x, y);
    }
  }
  EXPECT_EQ(qr.modules, reference->width);
  EXPECT_EQ(qr.version, reference->version);
  QRcode_free(reference);
  EXPECT_EQ(dark_modules_in_svg(qr.svg), expected);
  const auto side = std::to_string(qr.modules + 8);
  EXPECT_NE(qr.svg.find("viewBox=\"0 0 " + side + " " + side + "\""), std::string::npos);
  EXPECT_EQ(qr.svg.rfind("</svg>\n"), qr.svg.size() - 7);
}

TEST(QrSvgTest, ATypicalBadgeCodeFitsVersion7InAlphanumericMode) {
  const auto code = typical_code();
  ASSERT_EQ(code.size(), 160u);
  const auto qr = qr_svg(code);
  // 160 characters: 178 fit a version 7-M code in alphanumeric mode; as bytes they would need
  // version 9. So this also shows the code is packed as alphanumeric.
  EXPECT_EQ(qr.version, 7);
  EXPECT_EQ(qr.modules, 45);
  std::cout << "typical badge code: " << code.size() << " characters, QR version " << qr.version
            << "-M, " << qr.modules << "x" << qr.modules << " modules\n";
  RecordProperty("qr_version", qr.version);
}

TEST(QrSvgTest, RefusesTextThatCannotBeEncoded) {
  EXPECT_THROW(qr_svg(std::string(8000, 'A')), std::runtime_error);
  EXPECT_THROW(qr_svg(std::string("A\0B", 3)), std::runtime_error);
}

}  // namespace
}  // namespace rollcall::tools::admin
