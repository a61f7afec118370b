#include "services/registry/attendee_index.h"

#include <chrono>
#include <iostream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

namespace rollcall::services::registry {
namespace {

// A syllable as written and as an ASCII keyboard types it (its Latin transliteration).
struct Syllable {
  const char* written;
  const char* typed;
};

const std::vector<Syllable> kLatin = {{"mü", "mu"}, {"lé", "le"}, {"ñá", "na"}, {"ço", "co"},
                                      {"ro", "ro"}, {"sâ", "sa"}, {"kï", "ki"}, {"dè", "de"},
                                      {"vå", "va"}, {"tó", "to"}, {"bě", "be"}, {"gú", "gu"}};
const std::vector<Syllable> kCyrillic = {{"ка", "ka"}, {"ло", "lo"}, {"ми", "mi"}, {"ре", "re"},
                                         {"ту", "tu"}, {"ва", "va"}, {"но", "no"}, {"се", "se"},
                                         {"да", "da"}, {"по", "po"}, {"бу", "bu"}, {"зо", "zo"}};
// Arabic consonant + vowel mark (fatha, kasra, damma, sukun) or none; typed as the consonant.
const std::vector<Syllable> kArabic = {{"بَ", "b"}, {"تِ", "t"}, {"دُ", "d"}, {"رْ", "r"},
                                       {"سَ", "s"}, {"كِ", "k"}, {"لُ", "l"}, {"مَ", "m"},
                                       {"نِ", "n"}, {"فُ", "f"}, {"قَ", "q"}, {"زِ", "z"}};
const std::vector<Syllable> kChinese = {
    {"张", "zhang"}, {"王", "wang"},  {"李", "li"},   {"刘", "liu"}, {"陈", "chen"}, {"杨", "yang"},
    {"赵", "zhao"},  {"黄", "huang"}, {"周", "zhou"}, {"吴", "wu"},  {"孙", "sun"},  {"马", "ma"}};

enum Script { latin, cyrillic, arabic, chinese };

struct Row {
  v1::Badge badge;
  Script script;
  std::string family;        // as written
  std::string family_plain;  // as typed without marks, in its own script
  std::string family_typed;  // its transliteration, as typed on an ASCII keyboard
};

// Strips Arabic tashkeel and Latin accents the way a person typing without them would: by
// taking the syllable's bare letters (NFD, marks dropped), independently of NameFolder.
std::string bare(const std::string& text) {
  UErrorCode status = U_ZERO_ERROR;
  const auto* nfd = icu::Normalizer2::getNFDInstance(status);
  const icu::UnicodeString decomposed = nfd->normalize(icu::UnicodeString::fromUTF8(text), status);
  icu::UnicodeString out;
  for (std::int32_t i = 0; i < decomposed.length(); ++i) {
    const UChar c = decomposed.charAt(i);
    if (u_charType(c) != U_NON_SPACING_MARK) out.append(c);
  }
  std::string utf8;
  out.toUTF8String(utf8);
  return utf8;
}

std::vector<Row> generate_registry(std::size_t count, std::mt19937& rng) {
  std::vector<Row> rows;
  std::set<std::string> names;
  const std::vector<const std::vector<Syllable>*> syllables = {&kLatin, &kCyrillic, &kArabic,
                                                               &kChinese};
  const std::vector<std::string> organizations = {"ITU",
                                                  "Ministère de l’Économie",
                                                  "Министерство связи",
                                                  "وزارة الاتصالات",
                                                  "中国信息通信研究院",
                                                  "Universidad de São Paulo"};
  const std::vector<std::string> countries = {"CH", "FR", "RU", "EG", "CN", "BR", ""};
  const std::vector<std::string> categories = {"delegate", "minister", "media", "observer"};
  while (rows.size() < count) {
    Row row;
    row.script = static_cast<Script>(rng() % 4);
    const auto& set = *syllables[row.script];
    const auto pick = [&](int n, std::string* written, std::string* typed) {
      for (int i = 0; i < n; ++i) {
        const auto& s = set[rng() % set.size()];
        *written += s.written;
        if (row.script == chinese && !typed->empty()) *typed += " ";
        *typed += s.typed;
      }
    };
    std::string given, given_typed;
    if (row.script == chinese) {
      pick(1, &row.family, &row.family_typed);
      pick(2, &given, &given_typed);
    } else {
      pick(2, &given, &given_typed);
      pick(4, &row.family, &row.family_typed);
    }
    // Latin and Cyrillic names begin with a capital, as registries write them.
    if (row.script == latin || row.script == cyrillic) {
      std::string capital;
      auto text = icu::UnicodeString::fromUTF8(row.family);
      text.replace(0, 1, icu::UnicodeString(text, 0, 1).toUpper());
      text.toUTF8String(capital);
      row.family = capital;
    }
    const std::string name = row.script == chinese ? row.family + given : given + " " + row.family;
    if (!names.insert(name).second) continue;
    // A Chinese family name is one character, too short a search alone: the whole name is typed.
    row.family_plain = row.script == chinese ? name : bare(row.family);
    char id[32];
    std::snprintf(id, sizeof id, "B-%s-%05zu", countries[rng() % countries.size()].c_str(),
                  rows.size());
    row.badge.set_badge_id(id);
    row.badge.set_name(name);
    row.badge.set_organization(organizations[rng() % organizations.size()]);
    row.badge.set_country(countries[rng() % countries.size()]);
    row.badge.set_category(categories[rng() % categories.size()]);
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string lower_ascii(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

bool contains(const AttendeeSearch& search, const std::string& badge_id) {
  for (const auto& match : search.matches) {
    if (match.badge->badge_id() == badge_id) return true;
  }
  return false;
}

class AttendeeIndexTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::mt19937 rng(2026);
    rows_ = new std::vector<Row>(generate_registry(15000, rng));
    std::vector<v1::Badge> badges;
    for (const auto& row : *rows_) badges.push_back(row.badge);
    const auto start = std::chrono::steady_clock::now();
    index_ = new AttendeeIndex(std::move(badges));
    std::cout << "[ index    ] built for " << index_->size() << " badges in "
              << std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count()
              << " ms\n";
  }
  static void TearDownTestSuite() {
    delete index_;
    delete rows_;
  }
  static std::vector<Row>* rows_;
  static AttendeeIndex* index_;
};
std::vector<Row>* AttendeeIndexTest::rows_ = nullptr;
AttendeeIndex* AttendeeIndexTest::index_ = nullptr;

TEST_F(AttendeeIndexTest, EveryBadgeIsFoundFirstByItsIdInAnyCase) {
  ASSERT_EQ(index_->size(), 15000u);
  const auto start = std::chrono::steady_clock::now();
  // Every third row (a query scans all 15,000 badges; all of them takes half a minute).
  std::size_t queries = 0;
  for (std::size_t i = 0; i < rows_->size(); i += 3, ++queries) {
    const auto& id = (*rows_)[i].badge.badge_id();
    const auto search = index_->search(i % 2 ? lower_ascii(id) : " " + id + " ", 5);
    ASSERT_FALSE(search.matches.empty()) << id;
    EXPECT_EQ(search.matches[0].badge->badge_id(), id);
    EXPECT_EQ(search.matches[0].kind, MatchKind::badge_id);
  }
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::cout << "[ timing   ] badge id: " << ms / static_cast<double>(queries) << " ms per query on "
            << index_->size() << " badges\n";
}

// A family name typed without its marks (and, for Latin, in capitals) finds the row among the
// word-prefix matches; so does the family name as typed on an ASCII keyboard.
TEST_F(AttendeeIndexTest, EveryBadgeIsFoundByItsFamilyNameAndItsTransliteration) {
  double total_ms = 0;
  std::size_t queries = 0;
  for (std::size_t i = 0; i < rows_->size(); i += 7) {  // every script, a seventh of the rows
    const auto& row = (*rows_)[i];
    const std::vector<std::string> spellings = {row.family_plain, row.family_typed,
                                                lower_ascii(row.family_typed)};
    for (const auto& query : spellings) {
      const auto start = std::chrono::steady_clock::now();
      const auto search = index_->search(query, kMaxMatches);
      total_ms +=
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      ++queries;
      // The family name (4 syllables of 12) is all but unique; when more rows share its prefix
      // than a page holds, the row must still be among them once the given name is added.
      if (!contains(search, row.badge.badge_id())) {
        ASSERT_TRUE(search.truncated) << query << " did not find " << row.badge.name();
        const auto narrower = index_->search(row.badge.name(), kMaxMatches);
        EXPECT_TRUE(contains(narrower, row.badge.badge_id())) << row.badge.name();
      }
      for (const auto& match : search.matches) {
        EXPECT_NE(match.kind, MatchKind::badge_id);
      }
    }
  }
  std::cout << "[ timing   ] name: " << total_ms / static_cast<double>(queries) << " ms per query ("
            << queries << " queries) on " << index_->size() << " badges\n";
}

TEST_F(AttendeeIndexTest, RandomStringsMatchNothing) {
  std::mt19937 rng(77);
  double total_ms = 0;
  int sounding = 0;
  for (int i = 0; i < 2000; ++i) {
    // 8 to 15 random letters, ASCII or Cyrillic: a name of the registry has at most 4 consonants
    // in a word, so even its skeleton cannot begin with 6 or more random ones.
    std::string query;
    const int length = 8 + rng() % 8;
    for (int c = 0; c < length; ++c) {
      // Cyrillic letters of one Latin letter each (no й ь ъ, which make words of one letter).
      static const std::u16string cyrillic = u"абвгдезиклмнопрстуф";
      if (i % 2) {
        query.push_back(static_cast<char>('a' + rng() % 26));
      } else {
        icu::UnicodeString(static_cast<UChar32>(cyrillic[rng() % cyrillic.size()]))
            .toUTF8String(query);
      }
    }
    const auto start = std::chrono::steady_clock::now();
    const auto search = index_->search(query);
    total_ms +=
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    // Only "sounds like" may match a random string (its consonants may be a name's: норювтьйо
    // and Ñárovåtó are both n-r-v-t), and it ranks last.
    for (const auto& match : search.matches) {
      EXPECT_EQ(match.kind, MatchKind::sounds_like) << query << " matched " << match.badge->name();
    }
    if (!search.matches.empty()) ++sounding;
  }
  std::cout << "[ timing   ] random: " << total_ms / 2000 << " ms per query on " << index_->size()
            << " badges; " << sounding << " of 2000 sound like a name\n";
  EXPECT_LT(sounding, 40);
}

TEST_F(AttendeeIndexTest, RanksBadgeIdThenWordPrefixThenSubstringThenSound) {
  std::vector<v1::Badge> badges;
  const auto add = [&](const char* id, const char* name, const char* organization) {
    v1::Badge badge;
    badge.set_badge_id(id);
    badge.set_name(name);
    badge.set_organization(organization);
    badges.push_back(badge);
  };
  add("ANNA", "Zed Person", "");     // the query is this badge id
  add("B-2", "Anna Müller", "");     // a word begins with it
  add("B-3", "Hanna Lindberg", "");  // only inside a word
  add("B-4", "Åna Lind", "");        // no: "ana" is not "anna"
  add("B-5", "Ännä Berg", "");       // a word begins with it, sorts before Anna
  add("B-6", "Mohammed Ali", "");    // sounds like Muhammad
  add("B-7", "مُحَمَّد عَلِيّ", "");        // sounds like Muhammad, begins with mhmd
  const AttendeeIndex index(badges);
  const auto search = index.search("anna");
  ASSERT_EQ(search.matches.size(), 4u);
  EXPECT_EQ(search.matches[0].badge->badge_id(), "ANNA");
  EXPECT_EQ(search.matches[1].badge->badge_id(), "B-5");  // ties by name: "anna berg" first
  EXPECT_EQ(search.matches[2].badge->badge_id(), "B-2");
  EXPECT_EQ(search.matches[3].badge->badge_id(), "B-3");
  EXPECT_EQ(search.matches[3].kind, MatchKind::substring);
  const auto sound = index.search("Muhammad");
  ASSERT_EQ(sound.matches.size(), 2u);
  for (const auto& match : sound.matches) EXPECT_EQ(match.kind, MatchKind::sounds_like);
  const auto arabic = index.search("محمد");
  ASSERT_GE(arabic.matches.size(), 1u);
  EXPECT_EQ(arabic.matches[0].badge->badge_id(), "B-7");
  EXPECT_EQ(arabic.matches[0].kind, MatchKind::word_prefix);
  const auto truncated = index.search("Anna", 2);
  EXPECT_TRUE(truncated.truncated);
  EXPECT_EQ(truncated.matches.size(), 2u);
}

TEST_F(AttendeeIndexTest, RefusedQueriesSayWhyAndMatchNothing) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "missing_query"},
      {"   ", "missing_query"},
      {"a", "query_too_short"},
      {"-.", "query_too_short"},
      {"ٌ", "query_too_short"},
      {std::string(65, 'a'), "query_too_long"},
      {"ab\xff", "query_not_utf8"},
      {"\xc0\xaf"
       "ab",
       "query_not_utf8"},
      {std::string("a\0", 2), "query_too_short"}};
  for (const auto& [query, code] : cases) {
    const auto problem = check_attendee_query(query);
    ASSERT_TRUE(problem) << query;
    EXPECT_EQ(problem->code, code) << query;
    EXPECT_LE(problem->message.size(), 100u);
    EXPECT_TRUE(index_->search(query).matches.empty());
  }
  std::string longest;
  while (longest.size() + 2 <= kMaxQueryBytes) longest += "я";
  EXPECT_FALSE(check_attendee_query(longest));
  EXPECT_FALSE(check_attendee_query("ab"));
  EXPECT_FALSE(check_attendee_query("张伟"));
}

TEST_F(AttendeeIndexTest, NeverMoreThanAPage) {
  for (const char* query : {"B-CH", "ka", "ma", "de", "itu", "zhang"}) {
    const auto search = index_->search(query, 1000);
    EXPECT_LE(search.matches.size(), kMaxMatches) << query;
    EXPECT_TRUE(search.truncated) << query;
  }
}

}  // namespace
}  // namespace rollcall::services::registry
