#include "services/registry/name_fold.h"

#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

namespace rollcall::services::registry {
namespace {

struct Spelling {
  std::string written;  // as a registry may hold it
  std::string folded;   // what fold() must give
  std::string latin;    // what latin() must give
};

// Latin names with diacritics and their plain ASCII fold.
const std::vector<Spelling> kLatin = {
    {"José", "jose", "jose"},
    {"Müller", "muller", "muller"},
    {"Françoise", "francoise", "francoise"},
    {"Søren", "søren", "soren"},
    {"Ñúñez", "nunez", "nunez"},
    {"Đorđević", "đorđevic", "dordevic"},
    {"Łukasz", "łukasz", "lukasz"},
    {"Çelik", "celik", "celik"},
    {"Şahin", "sahin", "sahin"},
    {"Dvořák", "dvorak", "dvorak"},
    {"Ångström", "angstrom", "angstrom"},
    {"Nguyễn", "nguyen", "nguyen"},
    {"Weiß", "weiss", "weiss"},
    {"Zoë", "zoe", "zoe"},
    {"Hélène", "helene", "helene"},
    {"Ólafsdóttir", "olafsdottir", "olafsdottir"},
};

// Cyrillic names and their Latin transliteration (ICU's Cyrillic-Latin, then ASCII).
const std::vector<Spelling> kCyrillic = {
    {"Иванов", "иванов", "ivanov"},    {"Петрова", "петрова", "petrova"},
    {"Смирнов", "смирнов", "smirnov"}, {"Кузнецова", "кузнецова", "kuznecova"},
    {"Соколов", "соколов", "sokolov"}, {"Попов", "попов", "popov"},
    {"Лебедев", "лебедев", "lebedev"}, {"Фёдоров", "федоров", "fedorov"},
    {"Олена", "олена", "olena"},       {"Дмитрий", "дмитрии", "dmitrii"},
};

// Arabic names with full tashkeel and their bare fold.
const std::vector<Spelling> kArabic = {
    {"مُحَمَّد", "محمد", "mhmd"},     {"أَحْمَد", "احمد", "ahmd"},
    {"فَاطِمَة", "فاطمه", "fatmh"},  {"إِبْرَاهِيم", "ابراهيم", "abrahym"},
    {"آمِنَة", "امنه", "amnh"},     {"مُصْطَفَى", "مصطفي", "mstfy"},
    {"عَلِيّ", "علي", "ly"},         {"يُوسُف", "يوسف", "ywsf"},
    {"خَدِيجَة", "خديجه", "khdyjh"}, {"ٱلْعَبَّاس", "العباس", "albas"},
};

// Chinese names (no case, no marks) and their pinyin without tones.
const std::vector<Spelling> kChinese = {
    {"张伟", "张伟", "zhang wei"}, {"王芳", "王芳", "wang fang"},   {"李娜", "李娜", "li na"},
    {"刘洋", "刘洋", "liu yang"},  {"陈静", "陈静", "chen jing"},   {"杨磊", "杨磊", "yang lei"},
    {"赵敏", "赵敏", "zhao min"},  {"黄强", "黄强", "huang qiang"},
};

std::string upper(const std::string& text) {
  std::string out;
  icu::UnicodeString::fromUTF8(text).toUpper().toUTF8String(out);
  return out;
}
std::string lower(const std::string& text) {
  std::string out;
  icu::UnicodeString::fromUTF8(text).toLower().toUTF8String(out);
  return out;
}
std::string normalized(const std::string& text, bool decomposed) {
  UErrorCode status = U_ZERO_ERROR;
  const auto* form = decomposed ? icu::Normalizer2::getNFDInstance(status)
                                : icu::Normalizer2::getNFCInstance(status);
  std::string out;
  form->normalize(icu::UnicodeString::fromUTF8(text), status).toUTF8String(out);
  return out;
}

// Full-width forms of ASCII letters and digits (U+FF01..U+FF5E), as some keyboards type them.
std::string full_width(const std::string& ascii) {
  std::string out;
  for (const char c : ascii) {
    if (c > 0x20 && c < 0x7F) {
      icu::UnicodeString(static_cast<UChar32>(0xFF01 + (c - 0x21))).toUTF8String(out);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// Arabic written with tatweel after random letters and without some of its marks.
std::string arabic_variant(const std::string& text, std::mt19937& rng) {
  icu::UnicodeString in = icu::UnicodeString::fromUTF8(text), out;
  for (std::int32_t i = 0; i < in.length(); ++i) {
    const UChar c = in.charAt(i);
    const bool mark = c >= 0x064B && c <= 0x0652;
    if (mark && rng() % 2) continue;
    out.append(c);
    if (!mark && rng() % 3 == 0) out.append(static_cast<UChar>(0x0640));
  }
  std::string utf8;
  out.toUTF8String(utf8);
  return utf8;
}

const std::vector<std::string> kSeparators = {" ", "  ", "\t", "-", ", ", " . ", "/", "_", "’"};

struct Fixture : ::testing::Test {
  const NameFolder& folder = name_folder();
};

TEST_F(Fixture, EveryVariantOfEveryNameFoldsToTheSameKey) {
  std::vector<const std::vector<Spelling>*> scripts = {&kLatin, &kCyrillic, &kArabic, &kChinese};
  std::mt19937 rng(1234);
  int checked = 0;
  for (const auto* script : scripts) {
    for (const auto& given : *script) {
      for (const auto& family : *script) {
        const std::string sep = kSeparators[rng() % kSeparators.size()];
        const std::string name = given.written + sep + family.written;
        const std::string expected = given.folded + " " + family.folded;
        std::vector<std::string> variants = {name,
                                             upper(name),
                                             lower(name),
                                             normalized(name, true),
                                             normalized(name, false),
                                             " " + name + " ",
                                             given.written + " , " + family.written + "."};
        if (script == &kArabic) {
          for (int i = 0; i < 4; ++i) variants.push_back(arabic_variant(name, rng));
          variants.push_back(given.folded + " " + family.folded);  // typed without marks
        }
        for (const auto& variant : variants) {
          EXPECT_EQ(folder.fold(variant), expected) << "variant \"" << variant << "\" of " << name;
          EXPECT_EQ(folder.latin(variant), given.latin + " " + family.latin) << variant;
          ++checked;
        }
        // Typed on an ASCII keyboard (ø, ł, đ have no decomposition): meets it through latin().
        const std::string typed = upper(given.latin) + sep + family.latin;
        EXPECT_EQ(folder.latin(typed), folder.latin(name)) << typed;
      }
    }
  }
  std::cout << "[ fold     ] " << checked << " spellings checked\n";
  EXPECT_GT(checked, 1000);
}

TEST_F(Fixture, ArabicLetterFormsAreUnified) {
  // أ إ آ ٱ → ا ; ى → ي ; ة → ه ; tatweel and every tashkeel mark dropped.
  for (const char* alef : {"أ", "إ", "آ", "ٱ", "ا"}) {
    EXPECT_EQ(folder.fold(std::string(alef) + "حمد"), "احمد") << alef;
  }
  EXPECT_EQ(folder.fold("مصطفى"), folder.fold("مصطفي"));
  EXPECT_EQ(folder.fold("فاطمة"), folder.fold("فاطمه"));
  for (char32_t mark = 0x064B; mark <= 0x0652; ++mark) {
    std::string text = "م";
    icu::UnicodeString(static_cast<UChar32>(mark)).toUTF8String(text);
    text += "ـحمد";
    EXPECT_EQ(folder.fold(text), "محمد");
  }
}

TEST_F(Fixture, FullWidthAndCompatibilityFormsFoldToAscii) {
  const std::vector<std::string> words = {"ABC", "Delegate42", "UN", "ITU", "Zoe", "b-ch-1"};
  for (const auto& word : words) {
    EXPECT_EQ(folder.fold(full_width(word)), folder.fold(word)) << word;
  }
  EXPECT_EQ(folder.fold("ﬁnance"), "finance");  // the fi ligature
  EXPECT_EQ(folder.fold("Straße"), "strasse");
}

TEST_F(Fixture, SeparatorsAndPunctuationOnlySplitWords) {
  std::mt19937 rng(99);
  for (int i = 0; i < 500; ++i) {
    std::string text, expected;
    const int words = 1 + rng() % 4;
    for (int w = 0; w < words; ++w) {
      std::string word;
      const int length = 1 + rng() % 8;
      for (int c = 0; c < length; ++c) word.push_back(static_cast<char>('a' + rng() % 26));
      text += kSeparators[rng() % kSeparators.size()] + word;
      expected += (w ? " " : "") + word;
    }
    text += kSeparators[rng() % kSeparators.size()];
    EXPECT_EQ(folder.fold(text), expected) << text;
    EXPECT_EQ(key_words(expected).size(), static_cast<std::size_t>(words));
  }
  EXPECT_EQ(folder.fold(" -,./ "), "");
  EXPECT_EQ(folder.latin("!!"), "");
}

TEST_F(Fixture, SkeletonsMeetAcrossVowelSpellings) {
  const auto key = [&](std::string_view name) { return NameFolder::skeleton(folder.latin(name)); };
  for (const char* spelling : {"Mohammed", "Muhammad", "Mohamed", "MOHAMMAD", "محمد", "مُحَمَّد"}) {
    EXPECT_EQ(key(spelling), "mhmd") << spelling;
  }
  EXPECT_EQ(key("Ahmed"), key("أحمد"));
  EXPECT_TRUE(key("فاطمة").starts_with(key("Fatima")));
  EXPECT_EQ(NameFolder::skeleton("aaa eee"), "");
  EXPECT_EQ(NameFolder::skeleton("anna  bella"), "n bl");
}

TEST_F(Fixture, InvalidUtf8NeverBreaksTheKey) {
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    std::string bytes(1 + rng() % 40, '\0');
    for (auto& b : bytes) b = static_cast<char>(rng());
    const auto folded = folder.fold(bytes);
    const auto latin = folder.latin(bytes);
    EXPECT_TRUE(icu::UnicodeString::fromUTF8(folded).length() >= 0);
    for (const char c : latin) {
      EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ' ') << latin;
    }
    EXPECT_FALSE(folded.starts_with(' ') || folded.ends_with(' ')) << folded;
    EXPECT_EQ(folded.find("  "), std::string::npos);
  }
}

TEST_F(Fixture, OneFolderServesManyThreads) {
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) {
        const auto& name = kCyrillic[(i + t) % kCyrillic.size()];
        if (folder.latin(name.written) != name.latin) ++wrong[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const int n : wrong) EXPECT_EQ(n, 0);
}

TEST_F(Fixture, KeyLengthCountsCharactersNotBytes) {
  EXPECT_EQ(key_length("张伟"), 2u);
  EXPECT_EQ(key_length("ab cd"), 4u);
  EXPECT_EQ(key_length("محمد"), 4u);
  EXPECT_EQ(key_length(""), 0u);
}

}  // namespace
}  // namespace rollcall::services::registry
