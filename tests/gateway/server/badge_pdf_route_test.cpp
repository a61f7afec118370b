// The badge PDF's file name goes into a Content-Disposition header: whatever the id's bytes, the
// name is quoted-string safe, bounded, and says which badge it is.
#include "gateway/server/badge_pdf_route.h"

#include <gtest/gtest.h>

#include <random>
#include <regex>

namespace rollcall::gateway::server {
namespace {

TEST(BadgePdfFilename, EveryByteStringGivesASafeBoundedName) {
  const std::regex safe("badge-[A-Za-z0-9._-]{0,64}\\.pdf");
  std::mt19937 rng(14);
  std::vector<std::string> ids = {"A1",
                                  "PR-100",
                                  "x:y",
                                  std::string(200, 'Z'),
                                  "A1\r\nSet-Cookie: x=1",
                                  "a\"b",
                                  "a\\b",
                                  std::string("\0a", 2),
                                  "\xFF\xFE",
                                  "../../etc/passwd",
                                  "é"};
  for (int i = 0; i < 2000; ++i) {
    std::string id(rng() % 100, '\0');
    for (auto& c : id) c = static_cast<char>(rng() % 256);
    ids.push_back(id);
  }
  for (const auto& id : ids) {
    const auto name = badge_pdf_filename(id);
    EXPECT_TRUE(std::regex_match(name, safe)) << name;
  }
  EXPECT_EQ(badge_pdf_filename("PR-100"), "badge-PR-100.pdf");
  EXPECT_EQ(badge_pdf_filename("x:y"), "badge-x_y.pdf");
  EXPECT_EQ(badge_pdf_filename("A1\r\nSet-Cookie: x=1"), "badge-A1__Set-Cookie__x_1.pdf");
}

}  // namespace
}  // namespace rollcall::gateway::server
