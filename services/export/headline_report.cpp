#include "services/export/headline_report.h"

#include <charconv>
#include <map>
#include <string_view>

namespace rollcall::services::exporting {
namespace {

// Counted nouns. English and French need singular and plural; Arabic needs a singular (1),
// a dual (2), a plural (3 to 10) and an accusative singular (11 to 99), chosen by n % 100.
struct Noun {
  std::string one, two, few, many, hundreds;
};

std::string plural(long long n, const Noun& noun, Language language) {
  const std::string number = format_count(n, language);
  if (language == Language::en) return number + " " + (n == 1 ? noun.one : noun.few);
  if (language == Language::fr) return number + " " + (n <= 1 ? noun.one : noun.few);
  if (n == 1) return noun.one;
  if (n == 2) return noun.two;
  const auto tail = n % 100;
  if (n > 100 && (tail == 0 || tail <= 2)) return number + " " + noun.hundreds;
  if (tail >= 3 && tail <= 10) return number + " " + noun.few;
  return number + " " + noun.many;
}

const Noun& participants_noun(Language language) {
  static const Noun en{"participant", "", "participants", "", ""};
  static const Noun fr{"participant", "", "participants", "", ""};
  static const Noun ar{"مشارك واحد", "مشاركان", "مشاركين", "مشاركًا", "مشارك"};
  return language == Language::en ? en : language == Language::fr ? fr : ar;
}

const Noun& countries_noun(Language language) {
  static const Noun en{"country", "", "countries", "", ""};
  static const Noun fr{"pays", "", "pays", "", ""};
  static const Noun ar{"دولة واحدة", "دولتان", "دول", "دولة", "دولة"};
  return language == Language::en ? en : language == Language::fr ? fr : ar;
}

const Noun& days_noun(Language language) {
  static const Noun en{"day", "", "days", "", ""};
  static const Noun fr{"jour", "", "jours", "", ""};
  static const Noun ar{"يوم واحد", "يومان", "أيام", "يومًا", "يوم"};
  return language == Language::en ? en : language == Language::fr ? fr : ar;
}

// The standard stakeholder categories in words; other categories use their configured label.
struct CategoryWords {
  Noun en, fr;
  std::string ar;  // Arabic lists "label: N", which needs no agreement with the number
};

const std::map<std::string, CategoryWords>& category_words() {
  static const std::map<std::string, CategoryWords> words = {
      {"minister",
       {{"minister or deputy minister", "", "ministers and deputy ministers", "", ""},
        {"ministre ou vice-ministre", "", "ministres et vice-ministres", "", ""},
        "الوزراء ونواب الوزراء"}},
      {"regulator",
       {{"regulator", "", "regulators", "", ""},
        {"régulateur", "", "régulateurs", "", ""},
        "ممثلو الهيئات التنظيمية"}},
      {"un",
       {{"UN representative", "", "UN representatives", "", ""},
        {"représentant du système des Nations Unies", "",
         "représentants du système des Nations Unies", "", ""},
        "ممثلو منظومة الأمم المتحدة"}},
      {"private_sector",
       {{"private-sector participant", "", "private-sector participants", "", ""},
        {"participant du secteur privé", "", "participants du secteur privé", "", ""},
        "القطاع الخاص"}},
      {"civil_society",
       {{"civil-society participant", "", "civil-society participants", "", ""},
        {"participant de la société civile", "", "participants de la société civile", "", ""},
        "المجتمع المدني"}},
      {"youth",
       {{"youth participant", "", "youth participants", "", ""},
        {"jeune", "", "jeunes", "", ""},
        "الشباب"}},
      {"technical",
       {{"member of the technical community", "", "members of the technical community", "", ""},
        {"membre de la communauté technique", "", "membres de la communauté technique", "", ""},
        "المجتمع التقني"}},
      {"academia",
       {{"academic", "", "academics", "", ""},
        {"universitaire", "", "universitaires", "", ""},
        "الأوساط الأكاديمية"}},
      {"media",
       {{"media representative", "", "media representatives", "", ""},
        {"représentant des médias", "", "représentants des médias", "", ""},
        "وسائل الإعلام"}},
  };
  return words;
}

std::string month_name(int month, Language language) {
  static const char* en[] = {"January", "February", "March",     "April",   "May",      "June",
                             "July",    "August",   "September", "October", "November", "December"};
  static const char* fr[] = {"janvier", "février", "mars",      "avril",   "mai",      "juin",
                             "juillet", "août",    "septembre", "octobre", "novembre", "décembre"};
  static const char* ar[] = {"يناير", "فبراير", "مارس",   "أبريل",  "مايو",   "يونيو",
                             "يوليو", "أغسطس",  "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"};
  const int i = (month >= 1 && month <= 12) ? month - 1 : 0;
  return language == Language::en ? en[i] : language == Language::fr ? fr[i] : ar[i];
}

struct Date {
  int year = 0, month = 0, day = 0;
};

int digits(std::string_view text) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc{} && end == text.data() + text.size() ? value : 0;
}

// {0, 0, 0} when `text` is no YYYY-MM-DD (a day a hand-edited log made up).
Date parse_date(const std::string& text) {
  Date d;
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    d.year = digits(std::string_view(text).substr(0, 4));
    d.month = digits(std::string_view(text).substr(5, 2));
    d.day = digits(std::string_view(text).substr(8, 2));
  }
  if (d.year == 0 || d.month == 0 || d.day == 0) return {};
  return d;
}

std::string day_of_month(int day, Language language) {
  if (language == Language::fr && day == 1) return "1er";
  return std::to_string(day);
}

std::string one_date(const Date& d, Language language) {
  return day_of_month(d.day, language) + " " + month_name(d.month, language) + " " +
         std::to_string(d.year);
}

// A day as the report says it; what is no date stays as it is (escaped like any text).
std::string say_day(const std::string& day, Language language) {
  const auto d = parse_date(day);
  return d.year == 0 ? day : one_date(d, language);
}

// "7–11 July 2025", "du 7 au 11 juillet 2025", "من 7 إلى 11 يوليو 2025".
std::string date_range(const std::vector<std::string>& days, Language language) {
  if (days.empty()) return "";
  const auto a = parse_date(days.front()), b = parse_date(days.back());
  if (a.year == 0 || b.year == 0) return days.front() + " – " + days.back();
  if (days.size() == 1) return one_date(a, language);
  std::string first;
  if (a.year != b.year) {
    first = one_date(a, language);
  } else if (a.month != b.month) {
    first = day_of_month(a.day, language) + " " + month_name(a.month, language);
  } else {
    first = day_of_month(a.day, language);
  }
  const auto last = one_date(b, language);
  if (language == Language::en) return first + (a.month == b.month ? "–" : " – ") + last;
  if (language == Language::fr) return "du " + first + " au " + last;
  return "من " + first + " إلى " + last;
}

std::string join_list(const std::vector<std::string>& items, Language language) {
  const std::string last_sep = language == Language::en   ? " and "
                               : language == Language::fr ? " et "
                                                          : " و";
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? last_sep : ", ";
    out += items[i];
  }
  return out;
}

// Report text in one place: a title, paragraphs, and a per-day table.
struct Report {
  std::string title;
  std::vector<std::string> paragraphs;
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  std::string note;
};

class Figures {
 public:
  explicit Figures(const std::vector<Figure>& figures) : figures_(figures) {}
  long long get(std::string_view figure, std::string_view day = "",
                std::string_view key = "") const {
    for (const auto& f : figures_) {
      if (f.figure == figure && f.day == day && f.key == key) return f.value;
    }
    return 0;
  }

 private:
  const std::vector<Figure>& figures_;
};

Report compose(const v1::Event& event, const std::vector<std::string>& days,
               const std::vector<Figure>& all, Language language, const Suppression& suppression) {
  const Figures figures(all);
  const bool en = language == Language::en, fr = language == Language::fr;
  const std::string name = event.name().empty() ? event.event_id() : event.name();
  // A suppressed count is said as "fewer than N".
  auto count = [&](long long n) {
    if (!suppression.hides(n)) return format_count(n, language);
    const auto limit = std::to_string(suppression.below());
    return (en ? "fewer than " : fr ? "moins de " : "أقل من ") + limit;
  };
  auto counted = [&](long long n, const Noun& noun) {
    if (!suppression.hides(n)) return plural(n, noun, language);
    return count(n) + " " + (language == Language::ar ? noun.many : noun.few);
  };

  Report report;
  report.title = en   ? name + ": participation"
                 : fr ? name + " : participation"
                      : name + ": المشاركة";

  const auto participants = figures.get("participants"), onsite = figures.get("onsite"),
             remote = figures.get("remote"), hybrid = figures.get("hybrid");
  const auto n_days = static_cast<long long>(days.size());
  const auto range = date_range(days, language);
  const auto& people = participants_noun(language);
  std::string p1;
  if (en) {
    p1 = name + " took place over " + plural(n_days, days_noun(language), language) +
         (range.empty() ? "" : " (" + range + ")") + " and brought together " +
         counted(participants, people);
    p1 += remote > 0 ? ": " + count(onsite) + " on site and " + count(remote) + " online"
                     : " on site";
    if (hybrid > 0) p1 += ", " + count(hybrid) + " of whom took part both on site and online";
    p1 += ".";
  } else if (fr) {
    p1 = name + " s’est tenu sur " + plural(n_days, days_noun(language), language) +
         (range.empty() ? "" : " (" + range + ")") + " et a réuni " + counted(participants, people);
    p1 += remote > 0 ? " : " + count(onsite) + " sur place et " + count(remote) + " en ligne"
                     : " sur place";
    if (hybrid > 0) p1 += ", dont " + count(hybrid) + " à la fois sur place et en ligne";
    p1 += ".";
  } else {
    p1 = "عُقد " + name + " على مدى " + plural(n_days, days_noun(language), language) +
         (range.empty() ? "" : " (" + range + ")") + "، وشارك فيه " + counted(participants, people);
    p1 += remote > 0 ? ": " + count(onsite) + " في الموقع و" + count(remote) + " عبر الإنترنت"
                     : " في الموقع";
    if (hybrid > 0) p1 += "، منهم " + count(hybrid) + " شاركوا في الموقع وعبر الإنترنت معًا";
    p1 += ".";
  }
  report.paragraphs.push_back(p1);

  const auto countries = figures.get("countries_any");
  const auto countries_onsite = figures.get("countries_onsite");
  const auto countries_remote = figures.get("countries_remote");
  const auto& nations = countries_noun(language);
  std::string p2;
  if (en) {
    p2 = "Participants came from " + plural(countries, nations, language);
    if (remote > 0) {
      p2 += " (" + format_count(countries_onsite, language) + " represented on site, " +
            format_count(countries_remote, language) + " online)";
    }
  } else if (fr) {
    p2 = "Les participants venaient de " + plural(countries, nations, language);
    if (remote > 0) {
      p2 += " (" + format_count(countries_onsite, language) + " représentés sur place, " +
            format_count(countries_remote, language) + " en ligne)";
    }
  } else {
    p2 = "جاء المشاركون من " + plural(countries, nations, language);
    if (remote > 0) {
      p2 += " (" + format_count(countries_onsite, language) + " في الموقع و" +
            format_count(countries_remote, language) + " عبر الإنترنت)";
    }
  }
  report.paragraphs.push_back(p2 + ".");

  std::vector<std::string> headline;
  for (const auto& category : event.categories()) {
    if (!category.headline()) continue;
    const auto n = figures.get("category", "", category.id());
    const auto words = category_words().find(category.id());
    const std::string label = category.label().empty() ? category.id() : category.label();
    if (language == Language::ar) {
      headline.push_back((words != category_words().end() ? words->second.ar : label) + ": " +
                         count(n));
    } else if (words != category_words().end()) {
      headline.push_back(counted(n, en ? words->second.en : words->second.fr));
    } else {
      headline.push_back(label + (fr ? " : " : ": ") + count(n));
    }
  }
  if (!headline.empty()) {
    if (en) {
      report.paragraphs.push_back("They included " + join_list(headline, language) + ".");
    } else if (fr) {
      report.paragraphs.push_back("Parmi eux figuraient " + join_list(headline, language) + ".");
    } else {
      std::string list;
      for (const auto& item : headline) list += (list.empty() ? "" : "؛ ") + item;
      report.paragraphs.push_back("ومن بين المشاركين: " + list + ".");
    }
  }
  const auto peak_online = figures.get("peak_online");
  if (peak_online > 0) {
    const auto online = counted(peak_online, people);
    report.paragraphs.push_back(
        en   ? "At the busiest moment, " + online + " were online at once."
        : fr ? "Au plus fort, " + online + " étaient en ligne simultanément."
             : "في ذروة المشاركة، كان عدد المتصلين في آن واحد " + online + ".");
  }

  report.columns = en ? std::vector<std::string>{"Day", "On site", "Online", "Most inside at once"}
                   : fr ? std::vector<std::string>{"Jour", "Sur place", "En ligne",
                                                   "Maximum présents simultanément"}
                        : std::vector<std::string>{"اليوم", "في الموقع", "عبر الإنترنت",
                                                   "أكبر عدد في الداخل في آن واحد"};
  for (const auto& day : days) {
    report.rows.push_back({say_day(day, language), count(figures.get("onsite", day)),
                           count(figures.get("remote", day)),
                           count(figures.get("inside_peak", day))});
  }
  report.note = en ? "Computed by rollcall from the event log of " + event.event_id() +
                         "; each person is counted once."
                : fr ? "Calculé par rollcall à partir du journal de l’événement " +
                           event.event_id() + " ; chaque personne est comptée une fois."
                     : "حُسبت هذه الأرقام بواسطة rollcall من سجل الفعالية " + event.event_id() +
                           "، وكل شخص يُحتسب مرة واحدة.";
  return report;
}

std::string escape_html(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// The byte length of a C0 or C1 control character or DEL at text[i] (UTF-8), else 0.
std::size_t control_at(std::string_view text, std::size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  if (c < 0x20 || c == 0x7f) return 1;
  if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
      static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
    return 2;
  }
  return 0;
}

// Text for a terminal or a plain-text reader: control characters (a line break inside a name,
// an escape sequence that recolours or moves the cursor) become spaces.
std::string escape_txt(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (const auto n = control_at(text, i)) {
      out += ' ';
      i += n;
    } else {
      out += text[i++];
    }
  }
  return out;
}

// Text that Markdown shows as it is, never as markup, wherever it stands (a heading, a
// paragraph, a table cell): control characters become spaces (a line break would end the table
// row or open a block), every ASCII character that CommonMark or GitHub's Markdown reads as
// inline markup is backslash-escaped, and so is what would open a block at the start of a line
// (heading, list, quote, thematic break, ordered list, indented code).
std::string escape_md(std::string_view raw) {
  auto text = escape_txt(raw);
  const auto start = text.find_first_not_of(' ');
  text.erase(0, start == std::string::npos ? text.size() : start);
  std::string out;
  out.reserve(text.size() + 8);
  const auto digits_end = text.find_first_not_of("0123456789");
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool inline_markup = std::string_view("\\`*_[]<>|~!&$").find(c) != std::string_view::npos;
    const bool opens_block =
        (i == 0 && std::string_view("#+-=").find(c) != std::string_view::npos) ||
        (i > 0 && i == digits_end && (c == '.' || c == ')'));
    if (inline_markup || opens_block) out += '\\';
    out += c;
  }
  return out;
}

std::string render_md(const Report& r) {
  std::string out = "# " + escape_md(r.title) + "\n\n";
  for (const auto& p : r.paragraphs) out += escape_md(p) + "\n\n";
  if (!r.rows.empty()) {
    out += "|";
    for (const auto& c : r.columns) out += " " + escape_md(c) + " |";
    out += "\n|";
    for (std::size_t i = 0; i < r.columns.size(); ++i) out += i == 0 ? " --- |" : " ---: |";
    out += "\n";
    for (const auto& row : r.rows) {
      out += "|";
      for (const auto& c : row) out += " " + escape_md(c) + " |";
      out += "\n";
    }
    out += "\n";
  }
  out += "*" + escape_md(r.note) + "*\n";
  return out;
}

std::string render_txt(const Report& r) {
  std::string out = escape_txt(r.title) + "\n\n";
  for (const auto& p : r.paragraphs) out += escape_txt(p) + "\n\n";
  for (const auto& row : r.rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      out += (i == 0   ? ""
              : i == 1 ? ": "
                       : "; ") +
             escape_txt(i == 0 ? row[i] : r.columns[i] + " " + row[i]);
    }
    out += "\n";
  }
  if (!r.rows.empty()) out += "\n";
  out += escape_txt(r.note) + "\n";
  return out;
}

std::string render_html(const Report& r, Language language) {
  const char* lang = language == Language::en ? "en" : language == Language::fr ? "fr" : "ar";
  const char* dir = language == Language::ar ? "rtl" : "ltr";
  std::string out = std::string("<!DOCTYPE html>\n<html lang=\"") + lang + "\" dir=\"" + dir +
                    "\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + escape_html(r.title) +
                    "</title>\n<style>\n"
                    "@page { size: A4; margin: 2cm; }\n"
                    "body { font-family: 'Noto Serif', 'Noto Naskh Arabic', Georgia, serif;"
                    " font-size: 12pt; line-height: 1.5; max-width: 17cm; margin: 0 auto;"
                    " color: #000; background: #fff; }\n"
                    "h1 { font-size: 18pt; margin: 0 0 1em; }\n"
                    "p { margin: 0 0 0.8em; text-align: justify; }\n"
                    "table { border-collapse: collapse; width: 100%; margin: 1em 0;"
                    " page-break-inside: avoid; }\n"
                    "th, td { border: 1px solid #444; padding: 0.25em 0.5em; text-align: start; }\n"
                    "td.n { text-align: end; font-variant-numeric: tabular-nums; }\n"
                    "footer { font-size: 9pt; color: #444; margin-top: 2em; }\n"
                    "@media print { a { color: inherit; text-decoration: none; } }\n"
                    "</style>\n</head>\n<body>\n<h1>" +
                    escape_html(r.title) + "</h1>\n";
  for (const auto& p : r.paragraphs) out += "<p>" + escape_html(p) + "</p>\n";
  if (!r.rows.empty()) {
    out += "<table>\n<thead><tr>";
    for (const auto& c : r.columns) out += "<th>" + escape_html(c) + "</th>";
    out += "</tr></thead>\n<tbody>\n";
    for (const auto& row : r.rows) {
      out += "<tr>";
      for (std::size_t i = 0; i < row.size(); ++i) {
        out += (i == 0 ? "<td>" : "<td class=\"n\">") + escape_html(row[i]) + "</td>";
      }
      out += "</tr>\n";
    }
    out += "</tbody>\n</table>\n";
  }
  out += "<footer>" + escape_html(r.note) + "</footer>\n</body>\n</html>\n";
  return out;
}

}  // namespace

std::optional<Language> parse_language(std::string_view text) {
  if (text == "en") return Language::en;
  if (text == "fr") return Language::fr;
  if (text == "ar") return Language::ar;
  return std::nullopt;
}

std::string format_count(long long value, Language language) {
  const bool negative = value < 0;
  std::string digits = std::to_string(negative ? -value : value);
  const std::string sep = language == Language::fr ? "\u202F" : ",";
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += sep;
    out += digits[i];
  }
  return negative ? "-" + out : out;
}

std::string headline_report(const v1::Event& event, const std::vector<std::string>& days,
                            const std::vector<Figure>& figures, Language language,
                            ReportFormat format, const Suppression& suppression) {
  const auto report = compose(event, days, figures, language, suppression);
  switch (format) {
    case ReportFormat::md:
      return render_md(report);
    case ReportFormat::html:
      return render_html(report, language);
    case ReportFormat::txt:
      break;
  }
  return render_txt(report);
}

}  // namespace rollcall::services::exporting
