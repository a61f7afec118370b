#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rollcall/v1/rollcall.pb.h"
#include "services/export/summary_table.h"
#include "services/export/suppression.h"

namespace rollcall::services::exporting {

enum class Language { en, fr, ar };
enum class ReportFormat { md, html, txt };

std::optional<Language> parse_language(std::string_view text);

// The headline report: the sentences a chair's summary or a report to the General Assembly
// needs, written from the summary figures (participants on site and online, countries, days,
// the categories the event marks as headline) in English, French or Arabic. HTML is a complete
// page laid out for printing, right to left for Arabic. Numbers use Western digits.
std::string headline_report(const rollcall::v1::Event& event, const std::vector<std::string>& days,
                            const std::vector<Figure>& figures, Language language,
                            ReportFormat format, const Suppression& suppression = Suppression());

// "11,000" (en, ar) or "11 000" (fr, narrow no-break space).
std::string format_count(long long value, Language language);

}  // namespace rollcall::services::exporting
