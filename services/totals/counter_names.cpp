#include "services/totals/counter_names.h"

#include <string>

namespace rollcall::services::totals {
namespace {

bool take_prefix(std::string_view* name, std::string_view prefix) {
  if (!name->starts_with(prefix)) return false;
  name->remove_prefix(prefix.size());
  return true;
}

void put(google::protobuf::Map<std::string, std::int32_t>* map, std::string_view key,
         std::int64_t value) {
  (*map)[std::string(key)] = static_cast<std::int32_t>(value);
}

}  // namespace

Placement apply_counter(std::string_view name, std::int64_t value, v1::Totals* totals) {
  const auto count = static_cast<std::int32_t>(value);
  Placement placement{.known = true};
  if (name == "onsite") {
    totals->set_onsite(count);
  } else if (name == "inside") {
    totals->set_inside_now(count);
  } else if (take_prefix(&name, "onsite:country:")) {
    put(totals->mutable_onsite_by_country(), name, value);
    placement.country_map = true;
  } else if (take_prefix(&name, "onsite:category:")) {
    put(totals->mutable_onsite_by_category(), name, value);
  } else if (take_prefix(&name, "inside:zone:")) {
    put(totals->mutable_inside_by_zone(), name, value);
  } else if (take_prefix(&name, "scans:")) {
    put(totals->mutable_scans_by_status(), name, value);
  } else if (take_prefix(&name, "arrivals:")) {
    put(totals->mutable_arrivals_by_minute(), name, value);
  } else if (take_prefix(&name, "day:")) {
    const auto colon = name.find(':');
    if (colon == std::string_view::npos) return {};
    placement.day = name.substr(0, colon);
    auto rest = name.substr(colon + 1);
    auto& day = (*totals->mutable_days())[std::string(placement.day)];
    if (rest == "onsite") {
      day.set_onsite(count);
    } else if (take_prefix(&rest, "country:")) {
      put(day.mutable_onsite_by_country(), rest, value);
    } else if (take_prefix(&rest, "category:")) {
      put(day.mutable_onsite_by_category(), rest, value);
    } else {
      return {};
    }
  } else {
    return {};
  }
  return placement;
}

std::int32_t count_countries(const v1::Totals& totals) {
  std::int32_t countries = 0;
  for (const auto& [code, onsite] : totals.onsite_by_country()) {
    if (!code.empty() && onsite > 0) ++countries;
  }
  return countries;
}

}  // namespace rollcall::services::totals
