#include "services/registry/country_codes.h"

#include <stdexcept>

#include <gtest/gtest.h>

namespace rollcall::services::registry {
namespace {

TEST(CountryCodes, LoadsDebianIsoCodes) {
  const auto codes = CountryCodes::load();
  EXPECT_GE(codes.size(), 240u);
  EXPECT_EQ(codes.normalize("CH"), "CH");
  EXPECT_EQ(codes.normalize("fr"), "FR");
  EXPECT_EQ(codes.normalize("cN"), "CN");
  EXPECT_TRUE(codes.contains("ss"));  // South Sudan (2011): the list is not hand-typed
}

TEST(CountryCodes, RejectsWhatIsNotAnAlpha2Code) {
  const auto codes = CountryCodes::load();
  EXPECT_FALSE(codes.normalize("XY"));
  EXPECT_FALSE(codes.normalize("UK"));  // the alpha-2 code is GB
  EXPECT_FALSE(codes.normalize("FRA"));
  EXPECT_FALSE(codes.normalize("F"));
  EXPECT_FALSE(codes.normalize(""));
  EXPECT_FALSE(codes.normalize("F1"));
  EXPECT_FALSE(codes.normalize("é"));
}

TEST(CountryCodes, ParsesIsoCodesFormat) {
  const auto codes =
      CountryCodes::parse(R"({"3166-1": [{"alpha_2": "AW", "name": "Aruba"}, {"alpha_2": "ZW"}]})");
  EXPECT_EQ(codes.size(), 2u);
  EXPECT_EQ(codes.normalize("aw"), "AW");
  EXPECT_FALSE(codes.normalize("FR"));
}

TEST(CountryCodes, ClearErrorsForBadData) {
  EXPECT_THROW(CountryCodes::load("/nonexistent/iso_3166-1.json"), std::runtime_error);
  EXPECT_THROW(CountryCodes::parse("not json"), std::runtime_error);
  EXPECT_THROW(CountryCodes::parse(R"({"3166-2": []})"), std::runtime_error);
  EXPECT_THROW(CountryCodes::parse(R"({"3166-1": [{"alpha_3": "FRA"}]})"), std::runtime_error);
  EXPECT_THROW(CountryCodes::parse(R"({"3166-1": []})"), std::runtime_error);
  try {
    CountryCodes::load("/nonexistent/file.json");
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/file.json"), std::string::npos);
  }
}

}  // namespace
}  // namespace rollcall::services::registry
