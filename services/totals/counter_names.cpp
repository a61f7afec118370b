#include "services/totals/counter_names.h"

#include <string>

namespace rollcall::services::totals {
namespace {

bool take_prefix(std::string_view* name, std::string_view prefix) {
  if (!name->starts_with(prefix)) return false;
  name->remove_prefix(prefix.size());
  return true;
}

google::protobuf::Timestamp timestamp(std::int64_t ms) {
  google::protobuf::Timestamp at;
  at.set_seconds(ms / 1000);
  at.set_nanos(static_cast<std::int32_t>(ms % 1000) * 1'000'000);
  return at;
}

// Looked up by the view (protobuf's maps take string_view keys): a key is copied only when it
// is new, not once per counter of every scan's notice.
void put(google::protobuf::Map<std::string, std::int32_t>* map, std::string_view key,
         std::int64_t value) {
  (*map)[key] = static_cast<std::int32_t>(value);
}

}  // namespace

Placement apply_counter(std::string_view name, std::int64_t value, v1::Totals* totals) {
  const auto count = static_cast<std::int32_t>(value);
  Placement placement{.known = true};
  // Each scan's notice names a dozen counters, each applied twice (state and changes): the word
  // before the first ':' picks the family, instead of trying every prefix in turn.
  const auto colon = name.find(':');
  const auto family = name.substr(0, colon);
  auto rest = colon == std::string_view::npos ? std::string_view() : name.substr(colon + 1);
  if (colon == std::string_view::npos) {
    if (name == "onsite") {
      totals->set_onsite(count);
      placement.derived = true;
    } else if (name == "inside") {
      totals->set_inside_now(count);
    } else if (name == "remote") {
      totals->set_remote(count);
      placement.derived = true;
    } else if (name == "online") {
      totals->set_online_now(count);
    } else if (name == "peak_online") {
      totals->set_peak_online(count);
    } else if (name == "peak_online_at") {
      *totals->mutable_peak_online_at() = timestamp(value);
    } else if (name == "hybrid") {
      totals->set_hybrid(count);
      placement.derived = true;
    } else if (name == "walk_ins") {
      totals->set_walk_ins(count);  // badges registered at a desk (rollcall_register_badge)
    } else if (name == "badges_replaced") {
      totals->set_badges_replaced(count);
    } else {
      return {};
    }
  } else if (family == "day") {
    const auto day_end = rest.find(':');
    if (day_end == std::string_view::npos) return {};
    placement.day = rest.substr(0, day_end);
    rest.remove_prefix(day_end + 1);
    auto& day = (*totals->mutable_days())[placement.day];
    if (rest == "onsite") {
      day.set_onsite(count);
    } else if (take_prefix(&rest, "country:")) {
      put(day.mutable_onsite_by_country(), rest, value);
    } else if (take_prefix(&rest, "category:")) {
      put(day.mutable_onsite_by_category(), rest, value);
    } else if (rest == "remote") {
      day.set_remote(count);
    } else if (take_prefix(&rest, "remote_country:")) {
      put(day.mutable_remote_by_country(), rest, value);
    } else if (take_prefix(&rest, "remote_category:")) {
      put(day.mutable_remote_by_category(), rest, value);
    } else if (rest == "peak_online") {
      day.set_peak_online(count);
    } else {
      return {};
    }
  } else if (family == "desk") {
    // desk:ID:scans|rejected|late|last_seen|overturned|manual (desk ids have no ':' of their own...
    // but may: the field is the part after the last ':').
    const auto field_at = rest.rfind(':');
    if (field_at == std::string_view::npos) return {};
    auto& desk = (*totals->mutable_desks())[rest.substr(0, field_at)];
    const auto field = rest.substr(field_at + 1);
    if (field == "scans") {
      desk.set_scans(count);
    } else if (field == "rejected") {
      desk.set_rejected(count);
    } else if (field == "late") {
      desk.set_late(count);
    } else if (field == "last_seen") {
      *desk.mutable_last_seen() = timestamp(value);
    } else if (field == "overturned") {
      desk.set_overturned(count);
    } else if (field == "manual") {
      desk.set_manual(count);
    } else {
      return {};
    }
    placement.desk = rest.substr(0, field_at);
  } else if (family == "onsite") {
    if (take_prefix(&rest, "country:")) {
      put(totals->mutable_onsite_by_country(), rest, value);
      placement.derived = true;
    } else if (take_prefix(&rest, "category:")) {
      put(totals->mutable_onsite_by_category(), rest, value);
    } else {
      return {};
    }
  } else if (family == "inside") {
    if (!take_prefix(&rest, "zone:")) return {};
    put(totals->mutable_inside_by_zone(), rest, value);
  } else if (family == "remote") {
    if (take_prefix(&rest, "country:")) {
      put(totals->mutable_remote_by_country(), rest, value);
      placement.derived = true;
    } else if (take_prefix(&rest, "category:")) {
      put(totals->mutable_remote_by_category(), rest, value);
    } else {
      return {};
    }
  } else if (family == "online") {
    if (!take_prefix(&rest, "country:")) return {};
    put(totals->mutable_online_by_country(), rest, value);
  } else if (family == "scans") {
    put(totals->mutable_scans_by_status(), rest, value);
  } else if (family == "arrivals") {
    put(totals->mutable_arrivals_by_minute(), rest, value);
  } else if (family == "joins") {
    put(totals->mutable_joins_by_minute(), rest, value);
  } else if (family == "offline") {
    put(totals->mutable_offline_overturned(), rest, value);
  } else if (family == "manual") {
    // Check-ins by hand that were not refused, by ManualReason name (also in scans:STATUS).
    put(totals->mutable_manual_checkins(), rest, value);
  } else {
    return {};
  }
  return placement;
}

bool forget_counter(std::string_view name, v1::Totals* totals) {
  if (!take_prefix(&name, "desk:")) return false;
  const auto colon = name.rfind(':');
  if (colon == std::string_view::npos) return false;
  // A desk's counters go together, so the desk goes with the first of them.
  totals->mutable_desks()->erase(std::string(name.substr(0, colon)));
  return true;
}

namespace {

std::int32_t countries_in(const google::protobuf::Map<std::string, std::int32_t>& map) {
  std::int32_t countries = 0;
  for (const auto& [code, people] : map) {
    if (!code.empty() && people > 0) ++countries;
  }
  return countries;
}

}  // namespace

void derive_figures(v1::Totals* totals) {
  totals->set_countries_onsite(countries_in(totals->onsite_by_country()));
  totals->set_countries_remote(countries_in(totals->remote_by_country()));
  std::int32_t either = totals->countries_onsite();
  for (const auto& [code, people] : totals->remote_by_country()) {
    if (!code.empty() && people > 0) {
      const auto onsite = totals->onsite_by_country().find(code);
      if (onsite == totals->onsite_by_country().end() || onsite->second <= 0) ++either;
    }
  }
  totals->set_countries_any(either);
  totals->set_participants(totals->onsite() + totals->remote() - totals->hybrid());
}

}  // namespace rollcall::services::totals
