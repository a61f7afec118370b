#include "services/registry/person_links.h"

#include <algorithm>
#include <map>

#include <sodium.h>

#include "services/registry/name_fold.h"

namespace rollcall::services::registry {

std::vector<RowError> person_link_conflicts(
    const std::vector<BadgeRow>& rows, const std::unordered_map<std::string, KnownPerson>& known) {
  struct First {
    std::size_t line;
    std::string country;
  };
  std::unordered_map<std::string, First> first;  // person_id -> its first row in the file
  std::vector<RowError> out;
  const auto shown = [](const std::string& country) {
    return country.empty() ? std::string("no country") : country;
  };
  for (const auto& row : rows) {
    const auto& person = row.badge.person_id();
    if (person.empty()) continue;
    const auto& country = row.badge.country();
    if (const auto it = known.find(person); it != known.end() && it->second.country != country) {
      out.push_back({row.line, "person_id " + person + " is " + shown(country) + " here but " +
                                   shown(it->second.country) + " in " + it->second.where +
                                   " (one person, one country)"});
      continue;
    }
    const auto [it, inserted] = first.emplace(person, First{row.line, country});
    if (!inserted && it->second.country != country) {
      out.push_back({row.line, "person_id " + person + " is " + shown(country) + " here but " +
                                   shown(it->second.country) + " on line " +
                                   std::to_string(it->second.line) + " (one person, one country)"});
    }
  }
  return out;
}

std::string matched_person_id(const NameFolder& folder, std::string_view name,
                              std::string_view country, std::string_view organization) {
  const std::string folded_name = folder.fold(name);
  if (folded_name.empty()) return {};
  const std::string material =
      folded_name + '\x1f' + std::string(country) + '\x1f' + folder.fold(organization);
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(material.data()),
                     material.size());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "m-";
  for (int i = 0; i < 10; ++i) {
    id += kHex[digest[i] >> 4];
    id += kHex[digest[i] & 0xF];
  }
  return id;
}

MatchReport apply_matching_rule(const NameFolder& folder, std::vector<BadgeRow>& rows) {
  MatchReport report;
  std::map<std::string, std::vector<std::size_t>> by_id;  // matched id -> row indexes
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& badge = rows[i].badge;
    if (!badge.person_id().empty()) continue;
    auto id = matched_person_id(folder, badge.name(), badge.country(), badge.organization());
    if (!id.empty()) by_id[std::move(id)].push_back(i);
  }
  for (const auto& [id, indexes] : by_id) {
    if (indexes.size() == 1) {
      rows[indexes.front()].badge.set_person_id(id);
      ++report.linked;
      continue;
    }
    for (const auto i : indexes) {
      std::string others;
      for (const auto j : indexes) {
        if (j == i) continue;
        others += (others.empty() ? "" : ", ") + std::to_string(rows[j].line);
      }
      report.ambiguous.push_back(
          {rows[i].line, "not linked: the same name, country and organization as line" +
                             std::string(indexes.size() > 2 ? "s " : " ") + others +
                             " (two people, or one registered twice: give person_id)"});
    }
  }
  std::sort(report.ambiguous.begin(), report.ambiguous.end(),
            [](const RowError& a, const RowError& b) { return a.line < b.line; });
  return report;
}

}  // namespace rollcall::services::registry
