// Badges rendered and read back as a person and a scanner would: pdftotext finds every name in
// its own script (Arabic in logical order), zbarimg decodes the QR code to exactly the code, and
// the rendered page has nothing in its margins.
#include "services/print/badge_pdf.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "services/badges/badge_code.h"
#include "services/badges/key_pair.h"
#include "services/registry/country_codes.h"
#include "tests/support/pdf_reader.h"

namespace rollcall::services::print {
namespace {

namespace support = tests::support;

struct Script {
  std::string name;
  std::vector<std::string> given, family;
  std::string joiner = " ";
  std::string country;
  std::string organization;  // "organization" in the script's own language
};

const std::vector<Script> kScripts = {
    {"arabic",
     {"محمد", "فاطمة", "عبد الرحمن", "خديجة", "يوسف", "مريم", "عمر", "ليلى", "صلاح", "بلال", "علاء",
      "عبد الله"},
     {"الهاشمي", "بن علي", "القحطاني", "المنصوري", "الشامي", "العطار", "الإمام", "فلاح"},
     " ",
     "EG",
     "منظمة"},
    {"chinese",
     {"张", "王", "李", "赵", "刘", "陈", "杨", "黄"},
     {"伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "洋"},
     "",
     "CN",
     "组织"},
    {"russian",
     {"Анна", "Дмитрий", "Ольга", "Сергей", "Наталья", "Алексей"},
     {"Иванова", "Смирнов", "Кузнецова", "Попов", "Соколова", "Лебедев"},
     " ",
     "RU",
     "Организация"},
    {"latin",
     {"Zoë", "José", "Łukasz", "Søren", "Ngọc Ánh", "François", "Çağla", "Ærin"},
     {"Nguyễn", "Dvořák", "Müller", "Ångström", "Þórðardóttir", "Đặng", "Gonçalves"},
     " ",
     "VN",
     "Organisation"},
};

v1::Event test_event() {
  v1::Event event;
  event.set_event_id("print-2026");
  event.set_name("WSIS+20 High-Level Event 2026");
  for (const auto& [id, label] :
       std::vector<std::pair<std::string, std::string>>{{"minister", "Minister"},
                                                        {"un", "United Nations"},
                                                        {"press", "Press"},
                                                        {"civil_society", "Civil society"}}) {
    auto* c = event.add_categories();
    c->set_id(id);
    c->set_label(label);
  }
  return event;
}

const registry::CountryCodes& countries() {
  static const auto codes = registry::CountryCodes::load();
  return codes;
}

BadgeFace face(const std::string& id, const std::string& name, const std::string& organization,
               const std::string& country, const std::string& category, std::string code = {}) {
  v1::Badge badge;
  badge.set_badge_id(id);
  badge.set_name(name);
  badge.set_organization(organization);
  badge.set_country(country);
  badge.set_category(category);
  return badge_face(badge, test_event(), countries(), code.empty() ? id : code);
}

std::string generated_name(const Script& script, std::mt19937& rng) {
  return script.given[rng() % script.given.size()] + script.joiner +
         script.family[rng() % script.family.size()];
}

// Nothing darker than near-white within the page's margin (less one pixel of anti-aliasing).
void expect_clear_margins(const std::string& pdf, int page, BadgeSize size) {
  constexpr int kDpi = 100;
  const auto image = support::pdf_page_image(pdf, page, kDpi);
  const auto& layout = badge_layout(size);
  EXPECT_NEAR(image.width, layout.page_width / 72 * kDpi, 1.5);
  EXPECT_NEAR(image.height, layout.page_height / 72 * kDpi, 1.5);
  const int edge = static_cast<int>(layout.margin / 72 * kDpi) - 1;
  int marked = 0, inside = 0;
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      const bool in_margin =
          x < edge || y < edge || x >= image.width - edge || y >= image.height - edge;
      if (image.at(x, y) < 250) (in_margin ? marked : inside) += 1;
    }
  }
  EXPECT_EQ(marked, 0) << "pixels drawn in the margin of page " << page;
  EXPECT_GT(inside, 1000) << "the page is blank";
}

TEST(BadgePdf, NamesInEveryScriptAreFoundInTheTextAndTheQrCodeReadsBack) {
  std::mt19937 rng(2026);
  for (const auto size : {BadgeSize::a6, BadgeSize::cr80}) {
    for (const auto& script : kScripts) {
      for (int i = 0; i < 3; ++i) {
        const auto name = generated_name(script, rng);
        const auto organization = script.organization + " " + generated_name(script, rng);
        const std::string id = "P-" + script.name + "-" + std::to_string(i);
        const std::vector<BadgeFace> faces = {face(id, name, organization, script.country, "un")};
        std::vector<BadgeFits> fits;
        const auto pdf = render_badges(faces, size, &fits);
        ASSERT_EQ(support::pdf_pages(pdf), 1);
        std::string text;
        SCOPED_TRACE(std::string(badge_size_name(size)) + " " + name);
        // Arabic comes back in logical order: the same letters as typed, not reversed glyphs.
        EXPECT_TRUE(support::pdf_text_has(pdf, 1, name, &text)) << text;
        EXPECT_TRUE(support::pdf_text_has(pdf, 1, organization, &text)) << text;
        EXPECT_NE(text.find(support::without_spaces(country_line(faces[0]))), std::string::npos)
            << text;
        EXPECT_NE(text.find("UnitedNations"), std::string::npos) << text;  // the band's label
        EXPECT_NE(text.find("WSIS+20"), std::string::npos) << text;
        EXPECT_EQ(support::pdf_barcodes(pdf, 1), std::vector<std::string>{id});
        ASSERT_EQ(fits.size(), 1u);
        EXPECT_TRUE(fits[0].name.fits);
        expect_clear_margins(pdf, 1, size);
      }
    }
  }
}

TEST(BadgePdf, SignedCodesDecodeToExactlyTheCodeAndVerifyWithThePublicKey) {
  const auto key = badges::generate_key_pair();
  std::mt19937 rng(77);
  for (const auto size : {BadgeSize::a6, BadgeSize::cr80}) {
    std::vector<BadgeFace> faces;
    std::vector<std::string> codes;
    for (int i = 0; i < 4; ++i) {
      // Badge ids up to the 64 characters the registry allows make the longest codes.
      std::string id = "S" + std::to_string(i) + "-";
      while (id.size() < 16u * (i + 1)) id += static_cast<char>('A' + rng() % 26);
      badges::BadgeClaim claim{key.key_id, "print-2026", id, "2026-07-06", "2026-07-10"};
      codes.push_back(badges::sign_badge(claim, key.secret_key));
      const auto& script = kScripts[i % kScripts.size()];
      faces.push_back(
          face(id, generated_name(script, rng), "Org", script.country, "press", codes.back()));
    }
    const auto pdf = render_badges(faces, size);
    ASSERT_EQ(support::pdf_pages(pdf), 4);
    for (int page = 1; page <= 4; ++page) {
      const auto read = support::pdf_barcodes(pdf, page);
      ASSERT_EQ(read.size(), 1u) << badge_size_name(size) << " page " << page;
      EXPECT_EQ(read[0], codes[page - 1]);
      v1::BadgeKey public_key;
      public_key.set_key_id(key.key_id);
      public_key.set_public_key(key.public_key);
      const auto check = badges::verify_badge_code(
          read[0], "print-2026", [&](std::string_view id) -> std::optional<v1::BadgeKey> {
            if (id == key.key_id) return public_key;
            return std::nullopt;
          });
      EXPECT_EQ(check.status, badges::CodeStatus::ok);
      EXPECT_EQ(check.claim.badge_id, faces[page - 1].badge_id);
      // Each page carries its own badge's name.
      EXPECT_TRUE(support::pdf_text_has(pdf, page, faces[page - 1].name));
    }
  }
}

TEST(BadgePdf, VeryLongNamesAndOrganizationsShrinkToFitAndAreNeverCut) {
  // Up to the 200 bytes the registry allows, in every script, and one unbreakable word.
  std::mt19937 rng(9);
  std::vector<BadgeFace> faces;
  for (const auto& script : kScripts) {
    std::string name = generated_name(script, rng);
    while (true) {
      const auto more = name + script.joiner + script.family[rng() % script.family.size()];
      if (more.size() > 200) break;
      name = more;
    }
    std::string organization = script.organization;
    while (organization.size() < 180) organization += " " + generated_name(script, rng);
    faces.push_back(face("L-" + script.name, name, organization, script.country, "civil_society"));
  }
  faces.push_back(face("L-word", std::string(64, 'M'), std::string(120, 'W'), "FR", "minister"));
  for (const auto size : {BadgeSize::a6, BadgeSize::cr80}) {
    std::vector<BadgeFits> fits;
    const auto pdf = render_badges(faces, size, &fits);
    ASSERT_EQ(fits.size(), faces.size());
    const auto& layout = badge_layout(size);
    for (std::size_t i = 0; i < faces.size(); ++i) {
      SCOPED_TRACE(std::string(badge_size_name(size)) + " " + faces[i].badge_id);
      for (const auto& [fit, box] : {std::pair{fits[i].name, layout.name},
                                     std::pair{fits[i].organization, layout.organization}}) {
        EXPECT_TRUE(fit.fits);
        EXPECT_GE(fit.ink_left, 0);
        EXPECT_LE(fit.ink_right, box.width);
        EXPECT_GE(fit.ink_top, 0);
        EXPECT_LE(fit.ink_bottom, box.height);
      }
      EXPECT_LT(fits[i].name.font_size, layout.name_style.max_size);
      const int page = static_cast<int>(i) + 1;
      std::string text;
      EXPECT_TRUE(support::pdf_text_has(pdf, page, faces[i].name, &text)) << text;
      EXPECT_TRUE(support::pdf_text_has(pdf, page, faces[i].organization, &text)) << text;
      expect_clear_margins(pdf, page, size);
      EXPECT_EQ(support::pdf_barcodes(pdf, page), std::vector<std::string>{faces[i].badge_id});
    }
  }
}

TEST(BadgePdf, MixedDirectionTextKeepsEveryRun) {
  // pdftotext orders the runs of a right-to-left line that holds Latin words by its own
  // heuristics, so each run is looked for whole, in its own order.
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"منظمة الصحة العالمية WHO", {"منظمةالصحةالعالمية", "WHO"}},
      {"ITU الاتحاد الدولي للاتصالات", {"ITU", "الاتحادالدوليللاتصالات"}},
      {"UNESCO 联合国教科文组织", {"UNESCO", "联合国教科文组织"}},
  };
  for (const auto& [organization, runs] : cases) {
    const auto pdf =
        render_badges(std::vector<BadgeFace>{face("M-1", "سارة بن علي", organization, "TN", "un")},
                      BadgeSize::a6);
    std::string text;
    EXPECT_TRUE(support::pdf_text_has(pdf, 1, "سارة بن علي", &text)) << text;
    for (const auto& run : runs) {
      EXPECT_TRUE(support::pdf_text_has(pdf, 1, run, &text)) << run << " in " << text;
    }
  }
}

TEST(BadgePdf, LigaturesCarryTheirLettersInLogicalOrder) {
  // Lam-alef is one glyph; the PDF says which letters it stands for, in the order typed.
  const std::vector<std::pair<std::string, std::string>> names = {
      {"صلاح الدين", "لا"}, {"بلال", "لا"}, {"علاء", "لا"}, {"الإمام", "لإ"}};
  for (const auto& [name, letters] : names) {
    const auto pdf =
        render_badges(std::vector<BadgeFace>{face("G-1", name, "", "SA", "un")}, BadgeSize::a6);
    const auto texts = support::pdf_actual_texts(pdf);
    EXPECT_NE(std::find(texts.begin(), texts.end(), letters), texts.end()) << name;
  }
  EXPECT_EQ(support::as_pdftotext_reads("صلاح", {"لا"}), "صالح");
  EXPECT_EQ(support::as_pdftotext_reads("Zoë fi", {"fi", "لا"}), "Zoë fi");
}

TEST(BadgePdf, CountryInWordsAndCodeCategoryLabelAndPosition) {
  const auto f = face("C-1", "Evo", "", "bo", "press");
  EXPECT_EQ(country_line(f), "Bolivia (BO)");
  EXPECT_EQ(f.category_label, "Press");
  EXPECT_EQ(f.category_position, 2u);
  const auto none = face("C-2", "Ana", "", "", "no_such_category");
  EXPECT_EQ(country_line(none), "");
  EXPECT_EQ(none.category_label, "no_such_category");
  EXPECT_EQ(none.category_position, 4u);  // after the event's four categories
  EXPECT_EQ(country_line(face("C-3", "X", "", "ru", "un")), "Russian Federation (RU)");
  // Bytes that are not UTF-8 reach pango as U+FFFD, never raw.
  const auto broken = face("C-4", std::string("Ab\xff\xfe") + "cd", "", "FR", "un");
  EXPECT_EQ(broken.name,
            "Ab\xEF\xBF\xBD\xEF\xBF\xBD"
            "cd");
}

TEST(BadgePdf, SizesAndBadUsage) {
  EXPECT_EQ(parse_badge_size("a6"), BadgeSize::a6);
  EXPECT_EQ(parse_badge_size("cr80"), BadgeSize::cr80);
  for (const auto* bad : {"", "A6", "a4", "cr80 ", "letter"}) EXPECT_FALSE(parse_badge_size(bad));
  EXPECT_THROW(render_badges({}, BadgeSize::a6), std::invalid_argument);
  const auto pdf =
      render_badges(std::vector<BadgeFace>{face("Z", "Z", "", "", "un")}, BadgeSize::cr80);
  EXPECT_EQ(pdf.substr(0, 5), "%PDF-");
}

TEST(BadgePdf, RenderTimeForOneBadge) {
  // Measured, not asserted tightly: the gateway renders off its I/O threads either way.
  std::vector<BadgeFace> one = {
      face("T-1", "عبد الرحمن القحطاني", "منظمة الصحة العالمية", "SA", "minister")};
  render_badges(one, BadgeSize::a6);  // fonts loaded once per process
  const auto start = std::chrono::steady_clock::now();
  constexpr int kRounds = 20;
  for (int i = 0; i < kRounds; ++i) render_badges(one, BadgeSize::a6);
  const auto per_badge =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() /
      kRounds;
  std::cout << "one A6 badge renders in " << per_badge << " ms\n";
  EXPECT_LT(per_badge, 2000);
  // A sample for the documentation, when asked for.
  if (const char* dir = std::getenv("ROLLCALL_SAMPLE_DIR")) {
    const auto pdf = render_badges(one, BadgeSize::a6);
    support::pdf_page_png(pdf, 1, 110, std::string(dir) + "/badge-sample-a6.png");
    support::pdf_page_png(render_badges(one, BadgeSize::cr80), 1, 150,
                          std::string(dir) + "/badge-sample-cr80.png");
  }
}

}  // namespace
}  // namespace rollcall::services::print
