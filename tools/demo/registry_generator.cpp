#include "tools/demo/registry_generator.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string_view>

#include <boost/json.hpp>

#include "tools/demo/csv.h"

namespace rollcall::tools::demo {
namespace {

struct Weighted {
  const char* code;
  int weight;
};

// Delegation sizes loosely shaped like a UN summit in Geneva: the host first, then large
// delegations; every other real country gets a small weight from iso-codes (the long tail).
constexpr Weighted kCountries[] = {
    {"CH", 900}, {"FR", 420}, {"US", 380}, {"GB", 300}, {"DE", 280}, {"IN", 260}, {"CN", 240},
    {"JP", 150}, {"BR", 150}, {"NG", 140}, {"KE", 130}, {"SA", 120}, {"AE", 110}, {"EG", 110},
    {"ZA", 100}, {"IT", 100}, {"ES", 95},  {"RU", 90},  {"KR", 90},  {"CA", 85},  {"MX", 80},
    {"ID", 80},  {"PK", 70},  {"BD", 60},  {"TR", 60},  {"MA", 60},  {"NL", 60},  {"TN", 55},
    {"SN", 55},  {"BE", 55},  {"GH", 50},  {"RW", 50},  {"ET", 45},  {"UG", 40},  {"TZ", 40},
    {"CM", 40},  {"CI", 40},  {"AR", 40},  {"AU", 40},  {"SE", 40},  {"AT", 40},  {"QA", 40},
    {"CO", 35},  {"PL", 35},  {"JO", 35},  {"SG", 35},  {"CL", 30},  {"NO", 30},  {"FI", 30},
    {"PT", 30},  {"UA", 30},  {"IR", 30},  {"MY", 30},  {"TH", 30},  {"VN", 30},  {"DZ", 30},
    {"PE", 25},  {"DK", 25},  {"GR", 25},  {"LB", 25},  {"PH", 25},  {"KZ", 20},  {"IE", 20},
    {"NP", 15},  {"LK", 15},  {"NZ", 15},  {"UZ", 15},  {"JM", 10},  {"FJ", 8},   {"TO", 5},
};
constexpr int kTailWeight = 3;
// Territories nobody would travel from to a conference.
constexpr std::string_view kNoDelegation[] = {"AQ", "BV", "HM", "UM", "TF", "IO", "GS", "PN"};

struct CategoryShare {
  const char* id;
  double share;
};

// Per mille, shaped like WSIS+20: ~59 ministers and ~56 regulators among ~11,000 participants.
constexpr CategoryShare kCategories[] = {
    {"minister", 5.5},      {"regulator", 5.1}, {"un", 30},         {"private_sector", 250},
    {"civil_society", 200}, {"youth", 60},      {"technical", 120}, {"academia", 120},
    {"media", 50},          {"other", 159.4},
};

struct Organization {
  const char* name;
  bool international;  // staff of international organizations usually register without a country
};

const std::vector<Organization>& organizations(std::string_view category) {
  static const std::vector<Organization> minister = {
      {"Ministry of Communications and Information Technology", false},
      {"Ministry of Posts, Telecommunications and the Digital Economy", false},
      {"Ministry of Digital Affairs", false},
      {"Ministry of ICT and Innovation", false},
      {"Ministère de l'Économie numérique", false}};
  static const std::vector<Organization> regulator = {
      {"National Communications Authority", false},
      {"Telecommunications Regulatory Authority", false},
      {"Federal Office of Communications", false},
      {"Autorité de régulation des communications électroniques", false},
      {"Communications Commission", false}};
  static const std::vector<Organization> un = {
      {"ITU", true},      {"UNESCO", true},          {"UNDP", true}, {"UNCTAD", true},
      {"UNICEF", true},   {"OHCHR", true},           {"WIPO", true}, {"UN DESA", true},
      {"UN Women", true}, {"World Bank Group", true}};
  static const std::vector<Organization> private_sector = {
      {"Swisscom", false},
      {"Orange", false},
      {"Huawei", false},
      {"Microsoft", false},
      {"Safaricom", false},
      {"MTN Group", false},
      {"Ericsson", false},
      {"Nokia", false},
      {"Acme Networks, Inc.", false},
      {"Digital Bridge \"Connect\" Ltd", false}};
  static const std::vector<Organization> civil_society = {
      {"Internet Society", true},
      {"Access Now", true},
      {"Association for Progressive Communications", true},
      {"Digital Rights Foundation", false},
      {"ARTICLE 19", true},
      {"Paradigm Initiative", false},
      {"Fundación Karisma", false}};
  static const std::vector<Organization> youth = {{"Youth IGF", true},
                                                  {"Global Youth Network", true},
                                                  {"Student", false},
                                                  {"Young Innovators Club", false}};
  static const std::vector<Organization> technical = {
      {"ICANN", true},
      {"IETF", true},
      {"RIPE NCC", true},
      {"AFRINIC", true},
      {"APNIC", true},
      {"W3C", true},
      {"National Research and Education Network", false}};
  static const std::vector<Organization> academia = {
      {"University of Geneva", false},     {"EPFL", false},
      {"University of Nairobi", false},    {"Tsinghua University", false},
      {"Cairo University", false},         {"Oxford Internet Institute", false},
      {"Universidade de São Paulo", false}};
  static const std::vector<Organization> media = {
      {"Reuters", false}, {"Al Jazeera", false}, {"Le Temps", false},
      {"BBC", false},     {"Xinhua", false},     {"Nation Media Group", false}};
  static const std::vector<Organization> other = {
      {"Independent", false}, {"Consultant", false}, {"Foundation for the Future", false}};
  if (category == "minister") return minister;
  if (category == "regulator") return regulator;
  if (category == "un") return un;
  if (category == "private_sector") return private_sector;
  if (category == "civil_society") return civil_society;
  if (category == "youth") return youth;
  if (category == "technical") return technical;
  if (category == "academia") return academia;
  if (category == "media") return media;
  return other;
}

enum class Script { latin, arabic, chinese, cyrillic, japanese, korean, greek, devanagari, thai };

Script script_for(std::string_view country, std::mt19937_64& rng) {
  static const std::set<std::string_view> arabic = {"SA", "AE", "EG", "MA", "TN", "JO", "LB",
                                                    "QA", "DZ", "IQ", "OM", "KW", "BH", "LY",
                                                    "SD", "SY", "YE", "PS", "MR"};
  static const std::set<std::string_view> cyrillic = {"RU", "UA", "KZ", "BY", "BG",
                                                      "RS", "MK", "KG", "MN"};
  std::uniform_real_distribution<double> coin(0, 1);
  // Many register in Latin script whatever their country; the rest in their own.
  bool latin = coin(rng) < 0.35;
  if (latin) return Script::latin;
  if (arabic.count(country)) return Script::arabic;
  if (cyrillic.count(country)) return Script::cyrillic;
  if (country == "CN" || country == "TW" || (country == "SG" && coin(rng) < 0.5)) {
    return Script::chinese;
  }
  if (country == "JP") return Script::japanese;
  if (country == "KR") return Script::korean;
  if (country == "GR" || country == "CY") return Script::greek;
  if (country == "IN" || country == "NP") return Script::devanagari;
  if (country == "TH") return Script::thai;
  return Script::latin;
}

template <std::size_t N>
const char* pick(const std::array<const char*, N>& values, std::mt19937_64& rng) {
  return values[std::uniform_int_distribution<std::size_t>(0, N - 1)(rng)];
}

std::string make_name(Script script, std::mt19937_64& rng) {
  static const std::array<const char*, 24> latin_given = {
      "Anna",      "Marc",   "Sofia",  "Lukas", "Amina",    "Kwame", "Maria",  "João",
      "Chiara",    "Pierre", "Aisha",  "Diego", "Camila",   "Elif",  "Mehmet", "Wanjiru",
      "Oluwaseun", "Ingrid", "Łukasz", "Zoë",   "Thandiwe", "Rahul", "Priya",  "Minh"};
  static const std::array<const char*, 24> latin_family = {
      "Müller", "Dubois",   "Smith",  "Okafor", "Mensah", "Silva",     "Rossi",   "García",
      "Novak",  "Kowalski", "Haddad", "Diallo", "Kamau",  "Hansen",    "O'Brien", "van der Berg",
      "Núñez",  "Ødegaard", "Sharma", "Nguyen", "Yılmaz", "Fernández", "Mbeki",   "Schmid"};
  static const std::array<const char*, 10> arabic_given = {"محمد", "أحمد", "فاطمة", "ليلى", "يوسف",
                                                           "مريم", "عمر",  "سارة",  "خالد", "نور"};
  static const std::array<const char*, 8> arabic_family = {"العلي",  "الحسن", "منصور",  "حداد",
                                                           "الخطيب", "السيد", "بن علي", "الشامي"};
  static const std::array<const char*, 10> chinese_family = {"王", "李", "张", "刘", "陈",
                                                             "杨", "赵", "黄", "周", "吴"};
  static const std::array<const char*, 12> chinese_given = {"伟", "芳", "娜", "敏", "静",   "丽",
                                                            "强", "磊", "洋", "艳", "晓明", "思远"};
  static const std::array<const char*, 10> cyrillic_names = {
      "Ольга Коваленко", "Алексей Смирнов",  "Наталья Иванова",  "Дмитрий Петров",
      "Олена Шевченко",  "Сергей Кузнецов",  "Айгерим Ахметова", "Тарас Бондаренко",
      "Анна Попова",     "Бауыржан Сейткали"};
  static const std::array<const char*, 8> japanese_names = {"佐藤 健",   "鈴木 花子", "高橋 翔",
                                                            "田中 美咲", "渡辺 大輔", "伊藤 さくら",
                                                            "山本 拓也", "中村 結衣"};
  static const std::array<const char*, 6> korean_names = {"김민준", "이서연", "박지훈",
                                                          "최수아", "정도윤", "강하은"};
  static const std::array<const char*, 5> greek_names = {"Γιώργος Παπαδόπουλος", "Μαρία Ιωάννου",
                                                         "Νίκος Γεωργίου", "Ελένη Δημητρίου",
                                                         "Κώστας Νικολάου"};
  static const std::array<const char*, 6> devanagari_names = {
      "प्रिया शर्मा", "राहुल वर्मा", "अनीता सिंह", "अमित पटेल", "सुनीता राव", "विकास गुप्ता"};
  static const std::array<const char*, 4> thai_names = {"สมชาย ใจดี", "สุภาพร ศรีสุข", "ณัฐพล วงศ์ไทย",
                                                        "กมลชนก แสงทอง"};
  switch (script) {
    case Script::arabic:
      return std::string(pick(arabic_given, rng)) + " " + pick(arabic_family, rng);
    case Script::chinese:
      return std::string(pick(chinese_family, rng)) + pick(chinese_given, rng);
    case Script::cyrillic:
      return pick(cyrillic_names, rng);
    case Script::japanese:
      return pick(japanese_names, rng);
    case Script::korean:
      return pick(korean_names, rng);
    case Script::greek:
      return pick(greek_names, rng);
    case Script::devanagari:
      return pick(devanagari_names, rng);
    case Script::thai:
      return pick(thai_names, rng);
    case Script::latin:
      break;
  }
  return std::string(pick(latin_given, rng)) + " " + pick(latin_family, rng);
}

// The weighted country table: the head above, plus the rest of iso-codes when installed.
std::vector<Weighted> country_weights() {
  std::vector<Weighted> table(std::begin(kCountries), std::end(kCountries));
  std::ifstream in("/usr/share/iso-codes/json/iso_3166-1.json");
  if (!in) return table;
  std::stringstream text;
  text << in.rdbuf();
  static std::vector<std::string> tail;  // keeps the codes the table points to alive
  tail.clear();
  try {
    auto root = boost::json::parse(text.str());
    for (const auto& entry : root.at("3166-1").as_array()) {
      std::string code(entry.at("alpha_2").as_string());
      bool known = std::any_of(std::begin(kCountries), std::end(kCountries),
                               [&](const Weighted& w) { return code == w.code; });
      bool skipped = std::find(std::begin(kNoDelegation), std::end(kNoDelegation), code) !=
                     std::end(kNoDelegation);
      if (!known && !skipped) tail.push_back(code);
    }
  } catch (const std::exception&) {
    return table;  // the head alone still makes a fine registry
  }
  for (const auto& code : tail) table.push_back({code.c_str(), kTailWeight});
  return table;
}

}  // namespace

std::vector<rollcall::v1::Badge> generate_registry(int badges, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto countries = country_weights();
  std::vector<int> country_w;
  for (const auto& c : countries) country_w.push_back(c.weight);
  std::discrete_distribution<std::size_t> country_pick(country_w.begin(), country_w.end());
  std::vector<double> category_w;
  for (const auto& c : kCategories) category_w.push_back(c.share);
  std::discrete_distribution<std::size_t> category_pick(category_w.begin(), category_w.end());
  std::uniform_real_distribution<double> coin(0, 1);

  std::vector<rollcall::v1::Badge> rows;
  rows.reserve(badges);
  for (int i = 0; i < badges; ++i) {
    rollcall::v1::Badge badge;
    char id[32];
    std::snprintf(id, sizeof id, "RC25-%06d", i + 1);
    badge.set_badge_id(id);
    std::string category = kCategories[category_pick(rng)].id;
    const auto& orgs = organizations(category);
    const Organization& org =
        orgs[std::uniform_int_distribution<std::size_t>(0, orgs.size() - 1)(rng)];
    std::string country = countries[country_pick(rng)].code;
    // UN staff mostly register as such; other international bodies often give a country.
    double no_country = category == "un" ? 0.85 : 0.3;
    if (org.international && coin(rng) < no_country) country.clear();
    badge.set_category(category);
    badge.set_country(country);
    badge.set_name(make_name(script_for(country, rng), rng));
    badge.set_organization(org.name);
    rows.push_back(std::move(badge));
  }
  return rows;
}

void write_registry_csv(const std::string& path, const std::vector<rollcall::v1::Badge>& rows) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + path);
  out << csv_row({"badge_id", "country", "category", "name", "organization"});
  for (const auto& b : rows) {
    out << csv_row({b.badge_id(), b.country(), b.category(), b.name(), b.organization()});
  }
  out.flush();
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace rollcall::tools::demo
