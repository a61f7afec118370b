#include "tools/scenario/person_names.h"

#include <array>
#include <vector>

namespace rollcall::tools::scenario {
namespace {

struct NamePool {
  std::vector<std::string_view> given;
  std::vector<std::string_view> family;
  bool family_first = false;
  std::string_view separator = " ";
};

const NamePool kLatin{
    {"Anna",  "Jean",  "Maria", "David", "Sofia",   "Lukas", "Amina", "Carlos", "Fatou", "Elena",
     "Kwame", "Laura", "Tomás", "Chloé", "Olumide", "Nadia", "Jonas", "Grace",  "Mateo", "Zoë"},
    {"Meier",    "Dupont", "Silva",  "Smith",     "Rossi",   "Müller",   "Diallo",
     "García",   "Okafor", "Novak",  "Mensah",    "Martin",  "Ferreira", "Nguyen",
     "Kowalski", "Mwangi", "Jensen", "Hernández", "Lefèvre", "Osei"}};
const NamePool kCyrillic{
    {"Анна", "Иван", "Ольга", "Дмитрий", "Наталья", "Сергей", "Айгуль", "Тарас"},
    {"Иванова", "Петров", "Смирнова", "Ковальчук", "Нурланов", "Соколов", "Шевченко", "Попова"}};
const NamePool kArabic{
    {"محمد", "فاطمة", "أحمد", "نورة", "يوسف", "ليلى", "عمر", "مريم"},
    {"الشامسي", "الحسن", "بن علي", "المنصوري", "العتيبي", "الزين", "حداد", "السيد"}};
const NamePool kPersian{{"مریم", "علی", "زهرا", "رضا", "سارا", "حسین"},
                        {"احمدی", "حسینی", "کریمی", "رضایی", "موسوی", "جعفری"}};
const NamePool kHan{{"伟", "芳", "敏", "静", "磊", "娜", "强", "洋"},
                    {"李", "王", "张", "刘", "陈", "杨", "赵", "黄"},
                    true,
                    ""};
const NamePool kJapanese{{"陽翔", "結衣", "蓮", "さくら", "大輝", "美咲"},
                         {"佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺"},
                         true};
const NamePool kHangul{{"민준", "서연", "지호", "하은", "도윤", "수빈"},
                       {"김", "이", "박", "최", "정", "강"},
                       true,
                       ""};
const NamePool kDevanagari{{"प्रिया", "राहुल", "अनीता", "विकास", "सुनीता", "अर्जुन"},
                           {"शर्मा", "वर्मा", "पटेल", "गुप्ता", "सिंह", "श्रेष्ठ"}};
const NamePool kBengali{{"রহিম", "ফারহানা", "সাকিব", "নুসরাত"}, {"আহমেদ", "হোসেন", "রহমান", "খান"}};
const NamePool kGreek{{"Γιώργος", "Μαρία", "Νίκος", "Ελένη"},
                      {"Παπαδόπουλος", "Ιωάννου", "Γεωργίου", "Νικολάου"}};
const NamePool kThai{{"สมชาย", "สุดา", "ประยุทธ", "มาลี"}, {"ศรีสุข", "วงศ์ใหญ่", "ทองดี", "แก้วมณี"}};
const NamePool kHebrew{{"נועה", "דוד", "מיכל", "יוסי"}, {"כהן", "לוי", "מזרחי", "פרץ"}};
const NamePool kEthiopic{{"አበበ", "ሰላማዊት", "ዮሐንስ", "ትዕግስት"}, {"በቀለ", "ታደሰ", "ገብሬ", "ወልደ"}};

struct ScriptOf {
  std::string_view countries;  // alpha-2 codes, space separated
  const NamePool* pool;
};

// Which script a registry most likely holds for a delegation; everyone else is written in
// Latin letters (as most registries do for most countries).
const std::array<ScriptOf, 13> kScripts{{
    {"RU BY KZ KG TJ UA BG MN RS MK", &kCyrillic},
    {"SA AE EG QA KW BH OM JO LB SY IQ YE LY SD DZ MA TN MR PS", &kArabic},
    {"IR AF", &kPersian},
    {"CN TW HK MO", &kHan},
    {"JP", &kJapanese},
    {"KR KP", &kHangul},
    {"IN NP", &kDevanagari},
    {"BD", &kBengali},
    {"GR CY", &kGreek},
    {"TH", &kThai},
    {"IL", &kHebrew},
    {"ET ER", &kEthiopic},
    {"", nullptr},
}};

const NamePool& pool_for(std::string_view country) {
  if (country.size() == 2) {
    for (const auto& script : kScripts) {
      for (std::size_t at = 0; at + 2 <= script.countries.size(); at += 3) {
        if (script.countries.substr(at, 2) == country) return *script.pool;
      }
    }
  }
  return kLatin;
}

template <typename T>
const T& pick(const std::vector<T>& items, Random& random) {
  return items[static_cast<std::size_t>(
      random.between(0, static_cast<std::int64_t>(items.size()) - 1))];
}

const std::vector<std::string_view> kUnEntities{"ITU",     "UNESCO", "UNDP", "UNCTAD",   "UNICEF",
                                                "UN DESA", "OHCHR",  "WIPO", "ILO",      "UNHCR",
                                                "WHO",     "FAO",    "UPU",  "UN Women", "UNITAR"};
const std::vector<std::string_view> kCompanies{
    "Nordlicht Telecom", "Sahel Mobile",          "Andes Cloud",     "Lakeside Semiconductors",
    "Baobab Payments",   "Helvetia Data Centres", "Orbital Link",    "Meridian Networks",
    "Kestrel AI",        "Coral Fibre",           "Atlas Satellite", "Quanta Software"};
const std::vector<std::string_view> kCivil{"Digital Rights Watch",
                                           "Women in Tech Alliance",
                                           "Open Access Coalition",
                                           "Rural Connectivity Forum",
                                           "Association for Progressive Communications",
                                           "Accessibility Now",
                                           "Community Networks Initiative"};
const std::vector<std::string_view> kMedia{"Reuters",  "AFP",    "Swissinfo", "Al Jazeera",  "BBC",
                                           "Le Temps", "Xinhua", "NHK",       "Daily Nation"};

}  // namespace

std::string person_name(std::string_view country, Random& random) {
  const auto& pool = pool_for(country);
  const std::string given(pick(pool.given, random));
  const std::string family(pick(pool.family, random));
  return pool.family_first ? family + std::string(pool.separator) + given
                           : given + std::string(pool.separator) + family;
}

std::string organization_name(std::string_view category, std::string_view country_name,
                              Random& random) {
  const std::string country(country_name.empty() ? "International" : country_name);
  if (category == "minister") return "Government of " + country;
  if (category == "regulator") return country + " Communications Regulatory Authority";
  if (category == "un") return std::string(pick(kUnEntities, random));
  if (category == "private_sector") return std::string(pick(kCompanies, random));
  if (category == "civil_society") return std::string(pick(kCivil, random));
  if (category == "youth") return "Youth IGF " + country;
  if (category == "technical") return "Internet Society, " + country + " Chapter";
  if (category == "academia") return "University of " + country;
  if (category == "media") return std::string(pick(kMedia, random));
  return "Delegation of " + country;
}

}  // namespace rollcall::tools::scenario
